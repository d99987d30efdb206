from rasoat.identity import device_id


def test_device_id_is_made_once_and_kept() -> None:
    first = device_id()
    assert len(first) == 12
    assert device_id() == first


def test_a_damaged_device_id_is_set_aside_and_replaced() -> None:
    """Stamped on every change, a damaged id (here 300 letters and an ESC) had every
    receiver refuse the laptop's packages."""
    from forms.validate import text_problem
    from rasoat import paths

    path = paths.config_dir() / "device-id"
    path.write_text("x" * 300 + "\x1b", encoding="utf-8")
    made = device_id()
    assert len(made) == 12
    assert text_problem(made, 200) is None
    assert path.with_name("device-id.hong").read_text(encoding="utf-8").startswith("xxx")
    assert device_id() == made
    # A hand-made id a package's reader takes is kept, Vietnamese letters and spaces too.
    path.write_text("may-xa-02\n", encoding="utf-8")
    assert device_id() == "may-xa-02"
    path.write_text("\ufeffMáy xã Bảo Yên 2\n", encoding="utf-8")
    assert device_id() == "Máy xã Bảo Yên 2"
