#!/usr/bin/python3
"""A fake intake for tests/test_subscriber.sh: answers replay requests
(proto/PROTOCOL.md section 4) from a stream that a state file describes, read
again at every request, so a test can reset or restore the "producer":

    {"epoch": "e1", "head": 5}     events 1..5 of a store made as e1
    {"head": 3}                    no epoch field: an older producer
    {"epoch": "e1", "head": 6, "drop": 2}
                                   the first 2 requests get no answer

    tests/fake_producer.py EVENTS_PORT REPLAY_PORT STATE_FILE
"""
import json
import sys

import msgpack
import zmq


def event(seq):
    return {"type": "candidate.registered", "service": "intake", "instance": "intake",
            "seq": seq, "eid": "intake:%d" % seq, "office": "nijmegen",
            "date": "2018-01-01", "at": "2018-01-01T10:00:00.000Z",
            "candidate": "f-%d" % seq, "eligible": True, "reasons": [], "referral": "self"}


def main():
    events_port, replay_port, state_path = sys.argv[1:4]
    ctx = zmq.Context.instance()
    pub = ctx.socket(zmq.PUB)
    pub.bind("tcp://127.0.0.1:%s" % events_port)
    replay = ctx.socket(zmq.ROUTER)
    replay.bind("tcp://127.0.0.1:%s" % replay_port)
    dropped = {}
    while True:
        frames = replay.recv_multipart()
        request = msgpack.unpackb(frames[-1], raw=False)
        text = open(state_path).read()
        state = json.loads(text)
        if dropped.get(text, 0) < state.get("drop", 0):
            dropped[text] = dropped.get(text, 0) + 1
            print("fake: dropped a request", file=sys.stderr, flush=True)
            continue
        head, start = state["head"], request["from"]
        last = min(head, start + request.get("max", 256) - 1)
        reply = {"ok": True, "head": head, "next": max(start, last + 1),
                 "events": [event(s) for s in range(start, last + 1)]}
        if "epoch" in state:
            reply["epoch"] = state["epoch"]
        replay.send_multipart(frames[:-1] + [msgpack.packb(reply, use_bin_type=True)])


if __name__ == "__main__":
    main()
