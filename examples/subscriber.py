#!/usr/bin/python3
"""Follows an Opstap event stream, written only from proto/PROTOCOL.md.

Uses Debian's python3-zmq and python3-msgpack (an independent MessagePack
implementation). Replays from a sequence number, then listens on the live
stream and fills any gap by replay. Prints one JSON line per event.

    examples/subscriber.py [--replay tcp://127.0.0.1:7102]
                           [--events tcp://127.0.0.1:7101] [--from 1]
                           [--until-idle SECONDS]
"""
import argparse
import json
import sys

import msgpack
import zmq


def request(sock, body, timeout_ms):
    sock.send(msgpack.packb(body, use_bin_type=True))
    if not sock.poll(timeout_ms):
        raise TimeoutError("no reply from the replay endpoint")
    return msgpack.unpackb(sock.recv(), raw=False)


class Follower:
    def __init__(self, replay, events, start, out):
        self.ctx = zmq.Context.instance()
        self.replay = self.ctx.socket(zmq.DEALER)
        self.replay.setsockopt(zmq.LINGER, 0)
        self.replay.connect(replay)
        self.sub = self.ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.LINGER, 0)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        self.sub.connect(events)
        self.position = start - 1
        self.out = out
        self.count = 0

    def emit(self, event):
        if event["seq"] != self.position + 1:
            return
        self.position = event["seq"]
        self.count += 1
        self.out.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
        self.out.flush()

    def catch_up(self):
        while True:
            reply = request(self.replay, {"cmd": "replay", "from": self.position + 1,
                                          "max": 256}, 5000)
            if not reply.get("ok"):
                raise RuntimeError("replay refused: %r" % reply.get("error"))
            events = reply["events"]
            for event in events:
                self.emit(event)
            if not events:
                return

    def follow(self, until_idle):
        self.catch_up()
        poller = zmq.Poller()
        poller.register(self.sub, zmq.POLLIN)
        idle = 0.0
        while until_idle is None or idle < until_idle:
            ready = dict(poller.poll(1000))
            if self.sub not in ready:
                idle += 1.0
                self.catch_up()  # the last events before a pause may be dropped
                continue
            idle = 0.0
            topic, body = self.sub.recv_multipart()
            event = msgpack.unpackb(body, raw=False)
            if event["seq"] == self.position + 1:
                self.emit(event)
            elif event["seq"] > self.position + 1:
                self.catch_up()  # a gap: PUB dropped something


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replay", default="tcp://127.0.0.1:7102")
    parser.add_argument("--events", default="tcp://127.0.0.1:7101")
    parser.add_argument("--from", dest="start", type=int, default=1)
    parser.add_argument("--until-idle", type=float, default=None,
                        help="stop after this many quiet seconds")
    args = parser.parse_args()
    follower = Follower(args.replay, args.events, args.start, sys.stdout)
    try:
        follower.follow(args.until_idle)
    except KeyboardInterrupt:
        pass
    except (TimeoutError, RuntimeError) as err:
        print("subscriber: %s" % err, file=sys.stderr)
        return 2
    print("subscriber: %d events, position %d" % (follower.count, follower.position),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
