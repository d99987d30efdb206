from rasoat.identity import device_id


def test_device_id_is_made_once_and_kept() -> None:
    first = device_id()
    assert len(first) == 12
    assert device_id() == first
