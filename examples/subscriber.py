#!/usr/bin/python3
"""Follows Opstap event streams into SQLite, exactly once, written only from
proto/PROTOCOL.md: a subscriber for a data team to copy.

    examples/subscriber.py [--service intake,training,...] [--db FILE]
                           [--on-reset stop|restart] [--until-idle SECONDS]
                           [--quiet] [--config FILE]

What it shows:

- Where the services are, found as `opstap` finds them: the directory file
  named by --config or OPSTAP_CONFIG (PROTOCOL.md section 8), else the
  loopback defaults at OPSTAP_PORT_BASE (7100). It follows every instance
  of every service named, and instances added to the file while it runs.
- Keys as `opstap` uses them: with OPSTAP_KEYS set, CURVE with the secret
  certificate OPSTAP_CERT (default $OPSTAP_KEYS/opstap.key_secret) and each
  instance's public key $OPSTAP_KEYS/<instance>.key. The key needs a role
  that may replay (subscriber or operator: opstap keys NAME --role
  subscriber --add).
- The durable path: events are fetched by replay from the last position;
  the live stream is only a hint that there is something new (and a replay
  once a second covers what it dropped).
- Exactly once: each reply's events, what is derived from them and the new
  position are one SQLite transaction, so a crash (SIGKILL, power) loses
  nothing and applies nothing twice.
- It never gives up on a producer: a request without answer is sent again
  on a fresh socket, and again, while the others are followed on.
- A producer that was reset (a new store: its "epoch" differs from the one
  kept with the position) or restored from a backup (same epoch, but its
  head is below the position) makes it stop with exit 3, since what it
  derived no longer matches the stream; --on-reset restart drops that
  instance's rows and starts it again from 1. A producer that sends no
  epoch (older than the field) is followed as before.

Derived here: `events` (one row per event, its fields as JSON) and `counts`
(events per office and type). Replace apply_event with what you derive.

Uses Debian's python3-zmq and python3-msgpack and Python's sqlite3.
Exit status: 0 stopped (SIGINT, SIGTERM, --until-idle), 2 usage, 3 a
producer was reset or restored.
"""
import argparse
import json
import os
import signal
import sqlite3
import sys
import time

import msgpack
import zmq
from zmq.utils.monitor import recv_monitor_message

SERVICES = ["intake", "training", "placement", "feedback", "reporting"]
REPLAY_MAX = 256
# Seconds a replay may take before it is sent again: OPSTAP_TIMEOUT, as for
# the opstap tool (default 5 here: a replay is quick).
REQUEST_TIMEOUT = 5.0
IDLE_REPLAY = 1.0      # replay this often while the live stream is quiet
RETRY_MAX = 10.0       # longest wait between attempts at a silent producer


def log(message):
    print("subscriber: %s" % message, file=sys.stderr, flush=True)


# -- Where the services are ----------------------------------------------------

def read_directory(path):
    """Instances from a directory file: [{service, instance, events, replay}]."""
    instances = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) not in (6, 7):
                raise ValueError("%s line %d: expected 6 or 7 columns" % (path, number))
            service, instance, _offices, _command, events, replay = words[:6]
            instances.append({"service": service, "instance": instance,
                              "events": events, "replay": replay})
    if not instances:
        raise ValueError("%s lists no instances" % path)
    return instances


def default_directory():
    """The loopback defaults of scripts/up: service i at base + 10 i."""
    text = os.environ.get("OPSTAP_PORT_BASE") or "7100"
    if not text.isdigit() or not 1024 <= int(text) <= 65000:
        raise ValueError("OPSTAP_PORT_BASE must be a port 1024-65000")
    base = int(text)
    return [{"service": s, "instance": s,
             "events": "tcp://127.0.0.1:%d" % (base + 10 * i + 1),
             "replay": "tcp://127.0.0.1:%d" % (base + 10 * i + 2)}
            for i, s in enumerate(SERVICES)]


# -- Keys ----------------------------------------------------------------------

def read_key(path, which):
    """The Z85 public-key or secret-key of a czmq certificate file."""
    with open(path) as f:
        for line in f:
            name, _, value = line.strip().partition("=")
            if name.strip() == which:
                return value.strip().strip('"').encode()
    raise ValueError("%s has no %s" % (path, which))


class Keys:
    """OPSTAP_KEYS and OPSTAP_CERT, read as the opstap tool reads them."""

    def __init__(self, directory, cert):
        self.directory = directory
        cert = cert or os.path.join(directory, "opstap.key_secret")
        self.public = read_key(cert, "public-key")
        self.secret = read_key(cert, "secret-key")

    def apply(self, sock, instance):
        sock.curve_publickey = self.public
        sock.curve_secretkey = self.secret
        sock.curve_serverkey = read_key(
            os.path.join(self.directory, instance + ".key"), "public-key")


# -- What is derived, kept with the positions -----------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS positions (
    instance TEXT PRIMARY KEY, service TEXT NOT NULL,
    position INTEGER NOT NULL, epoch TEXT);
CREATE TABLE IF NOT EXISTS events (
    instance TEXT NOT NULL, seq INTEGER NOT NULL, service TEXT NOT NULL,
    type TEXT NOT NULL, office TEXT, date TEXT, candidate TEXT, body TEXT NOT NULL,
    PRIMARY KEY (instance, seq));
CREATE TABLE IF NOT EXISTS counts (
    instance TEXT NOT NULL, office TEXT NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (instance, office, type));
"""


def open_db(path):
    db = sqlite3.connect(path, isolation_level=None)  # transactions by hand
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a commit is on disk when it returns
    db.executescript(SCHEMA)
    return db


def on_candidate_erased(db, event):
    """Hook: intake erased a candidate (candidate.erased {candidate, token}).

    A subscriber must then forget what it derived about event["candidate"];
    how subscribers learn of and confirm erasures is still to be designed
    (its own issue), so this one keeps its rows and only says so. It runs in
    the transaction that applies the event: delete rows here and the
    deletion is as durable as the position."""
    del db  # where the rows would be deleted
    log("candidate.erased at %s seq %d: derived rows kept (erasure for subscribers "
        "is not designed yet)" % (event["instance"], event["seq"]))


def apply_event(db, event):
    """What this subscriber derives from one event (inside the batch's
    transaction). A row per event, and a count per office and type."""
    db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (event["instance"], event["seq"], event["service"], event["type"],
                event.get("office"), event.get("date"), event.get("candidate"),
                json.dumps(event, ensure_ascii=False, sort_keys=True)))
    db.execute("INSERT INTO counts VALUES (?, ?, ?, 1) ON CONFLICT (instance, office, type)"
               " DO UPDATE SET n = n + 1",
               (event["instance"], event.get("office") or "", event["type"]))
    if event["type"] == "candidate.erased":
        on_candidate_erased(db, event)


def drop_instance(db, instance):
    """Forgets everything derived from one instance (a reset producer)."""
    rows = db.execute("DELETE FROM events WHERE instance = ?", (instance,)).rowcount
    db.execute("DELETE FROM counts WHERE instance = ?", (instance,))
    return rows


class ProducerReset(Exception):
    pass


# -- Following one instance -----------------------------------------------------

class Follower:
    """One producer instance: a replay DEALER with at most one request out,
    a SUB for hints, and the position and epoch kept in the database."""

    def __init__(self, ctx, entry, keys, db, on_reset, out):
        self.ctx, self.entry, self.keys, self.db = ctx, entry, keys, db
        self.on_reset, self.out = on_reset, out
        self.name = entry["instance"]
        row = db.execute("SELECT position, epoch FROM positions WHERE instance = ?",
                         (self.name,)).fetchone()
        if row is None:
            db.execute("INSERT INTO positions VALUES (?, ?, 0, NULL)",
                       (self.name, entry["service"]))
            row = (0, None)
        self.position, self.epoch = row
        self.sub = self._socket(zmq.SUB, entry["events"])
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        self.replay = self.monitor = None
        self.deadline = None      # of the request in flight
        self.next_try = 0.0       # when to ask next
        self.failures = 0         # requests in a row without answer
        self.caught_up = False    # the last answer had nothing new
        self.refused = False      # the handshake was refused: said once
        self.refusal = None       # the last replay refused, as it was said
        self.warned_head = False

    def _socket(self, kind, endpoint):
        sock = self.ctx.socket(kind)
        sock.setsockopt(zmq.LINGER, 0)
        if self.keys:
            self.keys.apply(sock, self.name)
        sock.connect(endpoint)
        return sock

    def close(self):
        for sock in (self.replay, self.monitor, self.sub):
            if sock is not None:
                sock.close(0)

    def _reset_socket(self):
        """A fresh socket drops the unanswered request and any late answer."""
        if self.replay is not None:
            self.replay.disable_monitor()
            self.monitor.close(0)
            self.replay.close(0)
        self.replay = self._socket(zmq.DEALER, self.entry["replay"])
        self.monitor = self.replay.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
            | zmq.EVENT_HANDSHAKE_FAILED_AUTH)

    def send(self, now):
        if self.replay is None:
            self._reset_socket()
        body = {"cmd": "replay", "from": self.position + 1, "max": REPLAY_MAX}
        self.replay.send(msgpack.packb(body, use_bin_type=True))
        self.deadline = now + REQUEST_TIMEOUT

    def timed_out(self, now):
        """No answer in time: ask again on a fresh socket, a bit later each
        time, and say so, but never give up."""
        self.failures += 1
        self.deadline = None
        self.next_try = now + min(RETRY_MAX, 0.5 * 2 ** min(self.failures, 5))
        log("no answer from %s at %s (%d in a row); asking again" %
            (self.name, self.entry["replay"], self.failures))
        self._reset_socket()

    def handshake_failed(self):
        message = recv_monitor_message(self.monitor)
        if not self.refused:
            self.refused = True
            log("%s at %s refused the handshake: %s" % (
                self.name, self.entry["replay"],
                "check OPSTAP_CERT and that the key may replay" if self.keys
                else "these services may need keys (OPSTAP_KEYS)"))
        return message

    def receive(self, now):
        """Handles the answer in flight; True when there may be more."""
        reply = msgpack.unpackb(self.replay.recv_multipart()[-1], raw=False)
        self.deadline = None
        self.failures = 0
        if not reply.get("ok"):
            # A key added a moment ago is known within a second or two; one
            # whose role may not replay never will: ask again, say it once.
            error = reply.get("error")
            if error != self.refusal:
                log("replay from %s refused: %r; asking again" % (self.name, error))
            self.refusal = error
            self.next_try = now + 2 * IDLE_REPLAY
            return False
        self.refusal = None
        return self.apply(reply)

    def _check_identity(self, reply):
        """Raises ProducerReset when the stream is not the one the position
        is in; returns the epoch to keep."""
        epoch, head = reply.get("epoch"), reply.get("head", 0)
        if epoch is None:
            if head < self.position and not self.warned_head:
                self.warned_head = True
                log("%s: head %d is below the position %d, and the producer sends no "
                    "epoch to tell a reset from a restore; going on" %
                    (self.name, head, self.position))
            return self.epoch
        if self.epoch is not None and epoch != self.epoch:
            raise ProducerReset("%s was reset: its store is new (epoch %s, was %s)" %
                                (self.name, epoch, self.epoch))
        if head < self.position:
            raise ProducerReset("%s was restored from a backup: head %d is below the "
                                "position %d (epoch %s)" %
                                (self.name, head, self.position, epoch))
        return epoch

    def apply(self, reply):
        try:
            epoch = self._check_identity(reply)
        except ProducerReset as reset:
            if self.on_reset != "restart":
                raise
            epoch = reply.get("epoch")
            self.db.execute("BEGIN IMMEDIATE")
            dropped = drop_instance(self.db, self.name)
            self.db.execute("UPDATE positions SET position = 0, epoch = ? WHERE instance = ?",
                            (epoch, self.name))
            self.db.execute("COMMIT")
            log("%s; --on-reset restart: dropped its %d rows, following it again from 1" %
                (reset, dropped))
            self.position, self.epoch = 0, epoch
            return True
        events = reply.get("events") or []
        new = [e for e in events if e["seq"] > self.position]
        # A caller limited to some offices sees holes: "next" says where the
        # producer stopped looking.
        position = max([self.position, reply.get("next", 1) - 1] +
                       [e["seq"] for e in new])
        if position == self.position and epoch == self.epoch:
            self.caught_up = True
            return False
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for event in new:
                apply_event(self.db, event)
            self.db.execute("UPDATE positions SET position = ?, epoch = ? WHERE instance = ?",
                            (position, epoch, self.name))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.position, self.epoch = position, epoch
        if self.out:
            for event in new:
                self.out.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
            self.out.flush()
        self.caught_up = not new
        return bool(new) or position > self.position


# -- The loop -------------------------------------------------------------------

class Subscriber:
    def __init__(self, args, out):
        self.args, self.out = args, out
        self.ctx = zmq.Context.instance()
        self.keys = None
        if os.environ.get("OPSTAP_KEYS"):
            self.keys = Keys(os.environ["OPSTAP_KEYS"], os.environ.get("OPSTAP_CERT"))
        self.db = open_db(args.db)
        self.followers = {}
        self.config = args.config or os.environ.get("OPSTAP_CONFIG") or None
        self.config_mtime = None
        self.last_event = time.monotonic()
        self.stopping = False

    def refresh_directory(self):
        """Follows every instance of the services named, including instances
        added to the directory file since the start."""
        if self.config:
            try:
                mtime = os.stat(self.config).st_mtime
            except OSError:
                if self.config_mtime is None:
                    raise
                return  # gone for a moment (being replaced): as it was
            if mtime == self.config_mtime:
                return
            try:
                entries = read_directory(self.config)
            except ValueError as err:
                if self.config_mtime is None:
                    raise
                log("%s; following what it listed before" % err)
                return
            finally:
                self.config_mtime = mtime
        elif self.followers:
            return
        else:
            entries = default_directory()
        for entry in entries:
            if entry["service"] in self.args.service and entry["instance"] not in self.followers:
                self.followers[entry["instance"]] = Follower(
                    self.ctx, entry, self.keys, self.db, self.args.on_reset, self.out)
                log("following %s (%s) from %d" % (entry["instance"], entry["service"],
                                                   self.followers[entry["instance"]].position))

    def idle(self, now):
        if self.args.until_idle is None:
            return False
        caught_up = all(f.caught_up and f.deadline is None for f in self.followers.values())
        return caught_up and now - self.last_event >= self.args.until_idle

    def step(self):
        now = time.monotonic()
        for f in self.followers.values():
            if f.deadline is None and now >= f.next_try:
                f.send(now)
        poller = zmq.Poller()
        for f in self.followers.values():
            poller.register(f.sub, zmq.POLLIN)
            if f.replay is not None:
                poller.register(f.replay, zmq.POLLIN)
                poller.register(f.monitor, zmq.POLLIN)
        ready = dict(poller.poll(250))
        now = time.monotonic()
        for f in self.followers.values():
            if f.sub in ready:  # a hint: drain it and ask at once
                while f.sub.poll(0):
                    f.sub.recv_multipart()
                f.next_try = min(f.next_try, now)
            if f.monitor is not None and f.monitor in ready:
                f.handshake_failed()
            if f.replay is not None and f.replay in ready:
                more = f.receive(now)
                if more:
                    self.last_event = now
                f.next_try = now if more else now + IDLE_REPLAY
            elif f.deadline is not None and now >= f.deadline:
                f.timed_out(now)

    def run(self):
        self.refresh_directory()
        if not self.followers:
            log("the directory lists no instance of %s" % ",".join(self.args.service))
            return 2
        while not self.stopping and not self.idle(time.monotonic()):
            self.step()
            self.refresh_directory()
        return 0

    def close(self):
        for f in self.followers.values():
            log("%s at position %d" % (f.name, f.position))
            f.close()
        self.db.close()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0].replace("\n", " "),
        epilog="Exit status: 0 stopped, 2 usage, 3 a producer was reset or restored.")
    parser.add_argument("--service", default="intake",
                        help="services to follow, comma-separated (default intake)")
    parser.add_argument("--db", default="subscriber.db",
                        help="SQLite file of rows and positions (default subscriber.db)")
    parser.add_argument("--on-reset", choices=["stop", "restart"], default="stop",
                        help="a reset or restored producer: stop (exit 3, default) or "
                             "drop its rows and follow it again from 1")
    parser.add_argument("--until-idle", type=float, default=None, metavar="SECONDS",
                        help="stop once caught up and nothing new came for SECONDS")
    parser.add_argument("--quiet", action="store_true",
                        help="do not print each new event as a JSON line")
    parser.add_argument("--config", help="directory file (default: $OPSTAP_CONFIG, "
                                         "else the loopback defaults)")
    args = parser.parse_args()
    global REQUEST_TIMEOUT
    try:
        REQUEST_TIMEOUT = float(os.environ.get("OPSTAP_TIMEOUT") or REQUEST_TIMEOUT)
    except ValueError:
        REQUEST_TIMEOUT = 0
    if not 0 < REQUEST_TIMEOUT <= 3600:
        parser.error("OPSTAP_TIMEOUT must be seconds, more than 0")
    args.service = [s for s in args.service.split(",") if s]
    unknown = [s for s in args.service if s not in SERVICES]
    if unknown or not args.service:
        parser.error("unknown service %s; the services are %s" %
                     (",".join(unknown) or "(none)", ",".join(SERVICES)))
    try:
        subscriber = Subscriber(args, None if args.quiet else sys.stdout)
    except (OSError, ValueError, sqlite3.Error) as err:
        log(str(err))
        return 2

    def stop(signum, frame):
        subscriber.stopping = True
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        code = subscriber.run()
    except ProducerReset as reset:
        log("%s; what was derived no longer matches its stream: stopping "
            "(--on-reset restart follows it again from 1)" % reset)
        code = 3
    except (OSError, ValueError) as err:
        log(str(err))
        code = 2
    subscriber.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
