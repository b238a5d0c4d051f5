"""staffroom-bus, the dead-letter tool, on RabbitMQ."""
import pytest

from staffroom_shared.bus import admin
from staffroom_shared.testing import rabbit_vhost

pytestmark = pytest.mark.integration


def test_the_dead_letters_of_a_queue_never_declared_are_refused_in_words_not_a_traceback(capsys):
    """Outsider, issue 22: `staffroom-bus list directory` on a vhost where the directory never consumed printed
    amqp's NotFound traceback."""
    with rabbit_vhost("deadletters") as url:
        for command in (["list", "directory"], ["replay", "directory"]):
            assert admin.main(["--bus-url", url, *command]) == 1
            err = capsys.readouterr().err
            assert err.startswith("staffroom-bus: there is no queue directory.dlq on this bus") and "Traceback" not in err
