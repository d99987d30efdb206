"""Households' and results' JSON documents compressed with LZ4 instead of PostgreSQL's
default pglz (issue 21). A 3,000-household package carries about 23 MB of result documents
and 9 MB of household documents, each over the 2 kB at which PostgreSQL compresses a value;
pglz compressing them was most of the server's work in a load (0.49 of its 0.73 s of CPU a
package for ``results``, measured 2026-12-03), LZ4 about 0.33 s, for 17 % more space. The
what-if reads every household's document back, and LZ4 decompresses faster too.

Only values written after this step are LZ4; rows already there stay pglz and read as
before. A server built without LZ4 keeps pglz (the step then changes nothing): slower loads,
the same data.
"""

SQL = """
DO $$
BEGIN
    ALTER TABLE households ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE results ALTER COLUMN doc SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
"""
