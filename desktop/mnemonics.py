"""Alt+letters given to texts made from data (a report's title, a setting's label), where no
letter can be written into the text once: the first plain letter starting a word that none
of the texts beside it has taken."""

from __future__ import annotations


def with_free_mnemonic(text: str, used: set[str]) -> str:
    """``text`` with an Alt+letter none of ``used`` has (added to it): the first plain
    letter starting a word, else any plain letter (a letter with a diacritic cannot be
    typed with Alt on the laptops' keyboards); unchanged when none is left."""
    letters = [(i, c) for i, c in enumerate(text) if c.isascii() and c.isalpha()]
    starts = [(i, c) for i, c in letters if i == 0 or not text[i - 1].isalnum()]
    for i, c in [*starts, *letters]:
        if c.casefold() not in used:
            used.add(c.casefold())
            return f"{text[:i]}&{text[i:]}"
    return text


def taken(*texts: str) -> set[str]:
    """The letters ``texts`` already give Alt (each after its ``&``), casefolded."""
    used = set()
    for text in texts:
        plain = text.replace("&&", "")
        at = plain.find("&")
        if 0 <= at < len(plain) - 1:
            used.add(plain[at + 1].casefold())
    return used


def marking_word(text: str, word: str, used: set[str]) -> str:
    """``text`` with the Alt+letter on the first letter of ``word`` where a word of
    ``text`` starts with it, when that letter is free; else ``with_free_mnemonic``'s."""
    at = 0
    while (at := text.find(word, at)) >= 0:
        letter = text[at].casefold()
        if (at == 0 or not text[at - 1].isalnum()) and letter.isascii():
            if letter not in used:
                used.add(letter)
                return f"{text[:at]}&{text[at:]}"
            break
        at += 1
    return with_free_mnemonic(text, used)
