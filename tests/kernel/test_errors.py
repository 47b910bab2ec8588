import pickle

import pytest

from contracts.kernel.errors import ContractError, NotFound, error_class_for


def test_every_error_maps_back_from_its_code():
    assert error_class_for("not_found") is NotFound
    assert error_class_for("no_such_code") is ContractError


def test_a_subclass_must_declare_its_own_code():
    with pytest.raises(TypeError, match="stable `code`"):

        class Vague(ContractError):  # noqa: N818  # the point of the test
            pass


def test_a_code_cannot_be_taken_twice():
    with pytest.raises(TypeError, match="already used"):

        class Lost(ContractError):  # noqa: N818
            code = "not_found"


def test_errors_keep_message_code_and_details_through_pickle():
    error = NotFound("no product 42", details={"ids": [42]})
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301  # our own bytes
    assert type(copy) is NotFound
    assert (copy.code, copy.message, dict(copy.details)) == (
        "not_found",
        "no product 42",
        {"ids": [42]},
    )
    assert error.status == 404


def test_details_are_read_only():
    error = NotFound(details={"id": 1})
    with pytest.raises(TypeError):
        error.details["id"] = 2  # type: ignore[index]
