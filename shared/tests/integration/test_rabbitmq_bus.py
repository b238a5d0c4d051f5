"""RabbitMQ specifics: declared topology, the broker's own delivery limit, an idle publishing connection."""
import json
import subprocess
import time
import uuid
from urllib.parse import unquote

import pytest
from kombu import Connection

import msgkit
from msgkit import wait_for
from staffroom_shared.bus import OutgoingMessage, connect
from staffroom_shared.testing import rabbit_url

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("rig", ["rabbitmq"], indirect=True)]


def test_service_queue_is_a_quorum_queue_with_a_delivery_limit_and_a_dead_letter_queue(rig):
    vhost = unquote(rig.bus_url.rsplit("/", 1)[1])
    out = subprocess.run(["rabbitmqctl", "list_queues", "-p", vhost, "name", "type", "arguments", "--formatter", "json",
                          "--quiet"], check=True, capture_output=True, text=True, timeout=60).stdout
    queues = {q["name"]: q for q in json.loads(out)}
    service, dlq = queues[rig.queue], queues[f"{rig.queue}.dlq"]
    assert (service["type"], dlq["type"]) == ("quorum", "quorum")
    arguments = {name: value for name, _type, value in service["arguments"]}
    assert arguments["x-delivery-limit"] == msgkit.MAX_ATTEMPTS - 1  # the broker counts redeliveries
    assert arguments["x-dead-letter-exchange"] == "staffroom.dlx"
    assert arguments["x-dead-letter-routing-key"] == rig.queue
    assert arguments["x-dead-letter-strategy"] == "at-least-once"
    rig.bus.declare(rig.queue, [msgkit.NOTE_TYPE], max_attempts=msgkit.MAX_ATTEMPTS)  # idempotent


def test_message_of_a_consumer_that_keeps_dying_is_dead_lettered_by_the_broker(rig):
    """No handler code runs to count the attempts here: the broker's x-delivery-limit does it."""
    message_id = rig.publish_raw(b"{}")
    with Connection(rabbit_url()) as conn:
        for _ in range(msgkit.MAX_ATTEMPTS):
            channel = conn.channel()
            wait_for(lambda: _get(channel, rig.queue) is not None, what="a delivery")
            channel.close()  # closing with the message unacked is what a crashed consumer does
    wait_for(lambda: [d.message_id for d in rig.bus.dead_letters(rig.queue)] == [message_id],
             what="the broker to dead-letter the message")
    assert rig.bus.dead_letters(rig.queue)[0].reason == "delivery_limit"


def _get(channel, queue):
    from kombu import Queue

    return Queue(queue, no_declare=True)(channel).get(no_ack=False, accept=[])


def test_publishing_after_the_connection_went_idle_past_its_heartbeat_succeeds(rig):
    bus = connect(rig.bus_url, heartbeat=1)
    try:
        bus.publish([OutgoingMessage(str(uuid.uuid4()), "msgtest.idle", b"{}")])
        time.sleep(3.5)  # the broker closes a connection after two missed heartbeats
        bus.publish([OutgoingMessage(str(uuid.uuid4()), "msgtest.idle", b"{}")])
    finally:
        bus.close()
