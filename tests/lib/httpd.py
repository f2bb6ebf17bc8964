#!/usr/bin/env python3
"""A small HTTP/HTTPS file server for the download tests.

Serves --root on 127.0.0.1, on a port the kernel picks (port 0), and prints
that port as its first line.  It honours single Range requests and can be
told to misbehave per path:

  --fault PATH=drop:BYTES[:TIMES]    send BYTES of the body, then close (TIMES: 1)
  --fault PATH=stall:BYTES[:TIMES]   send BYTES, then send nothing (TIMES: always)
  --fault PATH=trickle:BYTES[:TIMES] send BYTES slowly (100 every 0.1 s), then
                                     send nothing (TIMES: always)
  --fault PATH=status:CODE[:TIMES]   answer CODE instead (TIMES: always)
  --fault PATH=redirect:TARGET       answer 302 to TARGET
  --no-range                         ignore Range headers (answer 200)
  --tls CERT KEY                     speak HTTPS with that certificate
  --log FILE                         one line per request: path, Range, status

PATH is the URL path, e.g. /kafka/2.3.0/kafka_2.12-2.3.0.tgz.  Several faults
for one path apply in turn: drop:300000:1 then drop:0:100 drops once after
300 kB, then at once for the next 100 requests.
"""
import argparse
import http.server
import os
import ssl
import sys
import threading
import time

ARGS = None
FAULTS = {}
LOCK = threading.Lock()


def parse_fault(text):
    path, _, spec = text.partition("=")
    kind, _, rest = spec.partition(":")
    if kind == "redirect":
        return path, {"kind": kind, "target": rest, "times": -1}
    parts = rest.split(":")
    value = int(parts[0])
    default_times = 1 if kind == "drop" else -1
    times = int(parts[1]) if len(parts) > 1 else default_times
    if kind not in ("drop", "stall", "trickle", "status"):
        raise SystemExit("unknown fault kind: " + kind)
    return path, {"kind": kind, "value": value, "times": times}


def take_fault(path):
    """The fault for this request: the first of the path's faults with TIMES left."""
    with LOCK:
        for fault in FAULTS.get(path, []):
            if fault["times"] == 0:
                continue
            if fault["times"] > 0:
                fault["times"] -= 1
            return dict(fault)
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def note(self, status):
        if ARGS.log:
            with LOCK, open(ARGS.log, "a") as log:
                log.write("%s range=%s status=%s\n"
                          % (self.path, self.headers.get("Range", "-"), status))

    def send_plain(self, status, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.note(status)

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        path = self.path.split("?", 1)[0]
        fault = take_fault(path)
        if fault and fault["kind"] == "status":
            self.send_plain(fault["value"], "fault %d\n" % fault["value"])
            return
        if fault and fault["kind"] == "redirect":
            self.send_response(302)
            self.send_header("Location", fault["target"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.note(302)
            return
        full = os.path.realpath(os.path.join(ARGS.root, path.lstrip("/")))
        if not full.startswith(os.path.realpath(ARGS.root) + os.sep) or not os.path.isfile(full):
            self.send_plain(404, "not found\n")
            return
        size = os.path.getsize(full)
        start, end, status = 0, size - 1, 200
        rng = self.headers.get("Range")
        if rng and not ARGS.no_range and rng.startswith("bytes="):
            first, _, last = rng[6:].partition("-")
            start = int(first)
            if last:
                end = min(int(last), size - 1)
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.note(416)
                return
            status = 206
        length = end - start + 1
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.note(status)
        if head:
            return
        limit = length
        if fault and fault["kind"] in ("drop", "stall", "trickle"):
            limit = min(length, fault["value"])
        piece = 100 if fault and fault["kind"] == "trickle" else 1 << 20
        with open(full, "rb") as f:
            f.seek(start)
            sent = 0
            while sent < limit:
                chunk = f.read(min(piece, limit - sent))
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
                if piece < 1 << 20:
                    self.wfile.flush()
                    time.sleep(0.1)
        self.wfile.flush()
        if fault and fault["kind"] in ("stall", "trickle") and limit < length:
            # Keep the connection open and silent until the client gives up.
            deadline = time.time() + 600
            while time.time() < deadline:
                time.sleep(0.2)
            self.close_connection = True
        elif fault and fault["kind"] == "drop" and limit < length:
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--no-range", action="store_true")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--log")
    ARGS = parser.parse_args()
    for text in ARGS.fault:
        path, fault = parse_fault(text)
        FAULTS.setdefault(path, []).append(fault)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if ARGS.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls[0], ARGS.tls[1])
        # The handshake happens in the request's thread, so a client that
        # refuses our certificate cannot block the accept loop.
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
