"""Concurrent reviewers against `pipeline review`: a burst of interleaved saves, then an audit.

Starts the review server as a subprocess on a free loopback port over a seeded memory (identity
translations of a generated issue), then CLIENTS threads each send REQUESTS saves over one
keep-alive connection: half on a few segments every client shares, half on the client's own.
Each save carries the revision the client last saw; a 409 updates it. Afterwards the memory must
hold exactly the acknowledged saves: per segment the acknowledged revisions are 1..final with no
gaps or duplicates, the final state is the highest acknowledged save, and the review log lists
every acknowledged save in order. Prints requests/s and latency percentiles and writes them to
bench/review_load.json (or --out). Usage: python -m bench.review_load [--clients 8] [--requests 200]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import load_config
from pipeline.document.segment import segment
from pipeline.memory.store import Memory
from pipeline.terms.protect import protect
from pipeline.translation.route import Engines, translate

SHARED_SEGMENTS = 3  # segments every client writes to (conflicts happen there)
STATUSES = ("edited", "edited", "approved", "rejected")
OUT = Path(__file__).resolve().parent / "review_load.json"


@dataclass
class Ack:
    segment: str
    revision: int
    status: str
    text: str  # what the entry's final text must be after this save


@dataclass
class Client:
    number: int
    acks: list[Ack] = field(default_factory=list)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def seed(folder: Path, clients: int) -> tuple[Path, Path, list[str], dict[str, str]]:
    """An issue with one paragraph per segment, copied into a fresh memory; (issue, memory, ids, machine text by id)."""
    issue = folder / "load-issue.en.md"
    count = SHARED_SEGMENTS + clients
    issue.write_text("".join(f"Paragraph number {n} of the load test tells its own short story.\n\n" for n in range(count)), encoding="utf-8")
    config = load_config()
    document = segment(issue.read_text(encoding="utf-8"), name=str(issue), src_lang="en")
    protect(document)
    translate(document, "pt", Engines(config, "identity"))
    memory = folder / "memory.sqlite"
    with Memory(memory) as store:
        store.remember(document, "pt")
    return issue, memory, [s.id for s in document.segments], {s.id: s.target for s in document.segments}


def start_server(issue: Path, memory: Path) -> tuple[subprocess.Popen, str, int, str]:
    """`pipeline review` on a free loopback port: (process, host, port, token)."""
    command = [sys.executable, "-m", "pipeline", "review", str(issue), "--to", "pt", "--from", "en", "--port", "0", "--memory", str(memory)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = process.stderr.readline()
    found = re.search(r"http://(127\.0\.0\.1):(\d+)/", line)
    if not found:
        process.kill()
        raise RuntimeError(f"the review server did not start: {line}{process.stderr.read()}")
    threading.Thread(target=process.stderr.read, daemon=True).start()  # drain, never block the server
    host, port = found[1], int(found[2])
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", "/issues/0")
    page = connection.getresponse().read().decode()
    connection.close()
    token = re.search(r'name="review-token" content="([^"]+)"', page)[1]
    return process, host, port, token


def run_client(client: Client, host: str, port: int, token: str, ids: list[str], machine: dict[str, str], requests: int, start: threading.Barrier) -> None:
    """``requests`` saves, each on a shared segment or the client's own one, with the last seen revision."""
    rng = random.Random(client.number)
    own = ids[SHARED_SEGMENTS + client.number]
    seen = {segment_id: 0 for segment_id in ids}
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Content-Type": "application/json", "X-Review-Token": token}
    start.wait()
    for number in range(requests):
        target = ids[rng.randrange(SHARED_SEGMENTS)] if rng.random() < 0.5 else own
        status = rng.choice(STATUSES)
        text = f"Texto do revisor {client.number}, pedido {number}." if status == "edited" else None
        body = json.dumps({"status": status, "text": text, "revision": seen[target], "reviewer": f"client-{client.number}"})
        began = time.perf_counter()
        try:
            connection.request("POST", f"/api/issues/0/segments/{target}", body=body, headers=headers)
            response = connection.getresponse()
            data = json.loads(response.read())
        except (OSError, http.client.HTTPException, ValueError) as error:
            client.errors.append(f"{target}: {type(error).__name__}: {error}")
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
            continue
        client.latencies.append(time.perf_counter() - began)
        if response.status == 200:
            seen[target] = data["revision"]
            client.acks.append(Ack(target, data["revision"], data["status"], text if status == "edited" else machine[target]))
        elif response.status == 409:
            seen[target] = data["current"]["revision"]
            client.conflicts += 1
        else:
            client.errors.append(f"{target}: HTTP {response.status}: {data}")
    connection.close()


def audit(acks: list[Ack], memory: Path, issue: Path, ids: list[str]) -> list[str]:
    """Every way the memory disagrees with the acknowledged saves (empty: nothing lost or invented)."""
    problems = []
    document = segment(issue.read_text(encoding="utf-8"), name=str(issue), src_lang="en")
    source = {s.id: s.source for s in document.segments}
    with Memory(memory) as store:
        entries = store.entries("en", "pt", list(source.values()))
        for segment_id in ids:
            mine = sorted((a for a in acks if a.segment == segment_id), key=lambda a: a.revision)
            revisions = [a.revision for a in mine]
            entry = entries[source[segment_id]]
            if revisions != list(range(1, entry.revision + 1)):
                problems.append(f"{segment_id}: acknowledged revisions {revisions[:5]}... are not exactly 1..{entry.revision}")
            if mine and (entry.status, entry.final) != (mine[-1].status, mine[-1].text):
                problems.append(f"{segment_id}: memory has {entry.status} {entry.final!r}, the last acknowledged save was {mine[-1].status} {mine[-1].text!r}")
            logged = [(e.revision, e.status, e.final) for e in store.history("en", "pt", source[segment_id])]
            if logged != [(a.revision, a.status, a.text) for a in mine]:
                problems.append(f"{segment_id}: the review log does not list the acknowledged saves in order")
    return problems


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def run(folder: Path, clients: int = 8, requests: int = 200) -> dict:
    """Seed, serve, send the burst, audit; the measurements and any problems found."""
    issue, memory, ids, machine = seed(folder, clients)
    process, host, port, token = start_server(issue, memory)
    try:
        workers = [Client(number) for number in range(clients)]
        start = threading.Barrier(clients + 1)
        threads = [threading.Thread(target=run_client, args=(w, host, port, token, ids, machine, requests, start)) for w in workers]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
    acks = [a for w in workers for a in w.acks]
    latencies = [t for w in workers for t in w.latencies]
    errors = [e for w in workers for e in w.errors]
    return {
        "clients": clients,
        "requests": clients * requests,
        "seconds": round(seconds, 3),
        "requests_per_s": round(clients * requests / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
        "acknowledged": len(acks),
        "conflicts": sum(w.conflicts for w in workers),
        "errors": errors,
        "problems": errors + audit(acks, memory, issue, ids),
        "cpus": os.cpu_count(),
        "server": "pipeline review subprocess (uvicorn), SQLite WAL, synchronous=FULL",
    }


def main() -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200, help="saves per client")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = run(Path(folder), args.clients, args.requests)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{result['requests']} saves from {result['clients']} clients in {result['seconds']}s: {result['requests_per_s']} requests/s, "
          f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms; "
          f"{result['acknowledged']} acknowledged, {result['conflicts']} conflicts (409), {len(result['problems'])} problem(s)")
    for problem in result["problems"]:
        print(f"problem: {problem}")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
