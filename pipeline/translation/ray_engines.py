"""Engines in the actors of a Ray cluster (``pipeline translate --ray [ADDRESS]``, ``[run] executor = "ray"``).

Each language pair gets a pool of actors (``workers`` of them), each building the pair's engine once and
keeping its model loaded. The batching code (``translate_documents``) calls ``RayEngine.translate`` as it
calls any engine, from several threads at once (``in_flight``); each call's texts go to the least busy
actor of the pair, in batches of ``memory.commit_every`` texts. Ray restarts an actor whose process dies
(``max_restarts``) and runs its batch again (``max_task_retries``); ``restarts`` counts the restarts seen.
The memory, the outputs and the reports stay with the caller. Ray is imported only here, when used.
"""

from __future__ import annotations

import os
import threading
import warnings
from dataclasses import dataclass, field

from pipeline.config import Config
from pipeline.errors import UserError
from pipeline.translation.engines import FACTORIES, Engine, create_engine, register_engine
from pipeline.translation.route import Engines

GPU_ENGINES = ("marian", "ctranslate2")  # the engines that run on CUDA when their device says so
THREADED = ("bergamot", "ctranslate2")  # the engines with a CPU thread count in their config section


def import_ray():
    """The ray module, or a one-line error saying how to install it."""
    try:
        import ray
    except ImportError:
        raise UserError('--ray needs Ray, which is not installed here: pip install ".[ray]"') from None
    return ray


class EngineActor:
    """One engine, built once in a Ray worker process; it translates the batches it is sent."""

    def __init__(self, name: str, config: Config, factory: str | None):
        import ray

        if factory:
            register_engine(name, factory)
        self.engine = create_engine(name, config)
        self.pid = os.getpid()
        with warnings.catch_warnings():  # Ray's own use of a deprecated property in it
            warnings.simplefilter("ignore", DeprecationWarning)
            self.restarted = ray.get_runtime_context().was_current_actor_reconstructed

    def translate(self, texts: list[str], src: str, tgt: str) -> tuple[list[str], int, bool]:
        """The engine's outputs, with this process's id and whether Ray restarted this actor."""
        return self.engine.translate(texts, src, tgt), self.pid, self.restarted


@dataclass
class Pool:
    """The actors of one engine and pair, how many batches each has been sent and not answered, and the
    processes each has answered from (a new one is a restart)."""

    actors: list
    busy: list[int]
    pids: list[set[int]] = field(default_factory=list)
    restarts: int = 0


class RayEngine:
    """An engine whose ``translate`` runs in its pair's actors; ``supports`` and ``model_id`` are answered
    here by an instance that never loads a model."""

    def __init__(self, key: str, local: Engine, engines: RayEngines):
        self.key, self.local, self.name, self._engines = (
            key,
            local,
            local.name,
            engines,
        )  # key: the name it was built by

    @property
    def concurrency(self) -> int:
        """The batches an actor translates at once: what its engine takes from several threads."""
        return getattr(self.local, "in_flight", 1)

    @property
    def in_flight(self) -> int:
        return (
            self.concurrency + 1
        ) * self._engines.workers  # and one waiting at each actor while the caller handles one

    def supports(self, src: str, tgt: str) -> bool:
        return self.local.supports(src, tgt)

    def model_id(self, src: str, tgt: str) -> str:
        return self.local.model_id(src, tgt)

    def prefetch(self, src: str, tgt: str) -> None:
        """Start the pair's actors now: they import the engine while other work goes on."""
        self._engines.pool(self.key, src, tgt)

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        return self._engines.translate(self.key, texts, src, tgt)


class RayEngines(Engines):
    """``Engines`` running in Ray actors, one pool per engine and pair (the identity engine stays here).

    ``address``: a running cluster ("auto", "HOST:6379", "ray://HOST:10001"), None: $RAY_ADDRESS, else the
    cluster ``ray start`` started on this machine, else a new local one. ``workers``: actors per pool
    (default: the cluster's GPUs for a GPU engine, else its nodes, each actor using its node's cores);
    ``pools``: how many pools the run will hold at once, among which the GPUs are shared.
    """

    def __init__(
        self,
        config: Config,
        engine: str | None = None,
        address: str | None = None,
        workers: int | None = None,
        pools: int = 1,
    ):
        super().__init__(config, engine)
        self.ray = ray = import_ray()
        address = address or config.run.ray_address
        if not ray.is_initialized():
            try:
                ray.init(
                    address=address, include_dashboard=False, logging_level="WARNING", log_to_driver=False
                )
            except (ConnectionError, ValueError, RuntimeError) as error:
                raise UserError(
                    f"cannot start or reach Ray at {address or 'this machine'}: {str(error).splitlines()[0]}"
                ) from None
        resources = ray.cluster_resources()
        self.cpus, self.gpus = int(resources.get("CPU", 1)), int(resources.get("GPU", 0))
        self.nodes = max(1, sum(1 for node in ray.nodes() if node.get("Alive")))
        self.asked_workers, self.pools = workers or config.run.workers, max(1, pools)
        self._pools: dict[tuple[str, str, str], Pool] = {}
        self._lock = threading.RLock()

    @property
    def workers(self) -> int:
        """Actors per pool (the largest, where GPU pools have one per GPU)."""
        return self.asked_workers or max(self.nodes, self.gpus)

    concurrent_pairs = True  # each pair has its own actors: the pairs of a run are translated at once

    def get(self, name: str) -> Engine:
        with self._lock:
            if name not in self._instances:
                local = create_engine(name, self.config)
                self._instances[name] = local if name == "identity" else RayEngine(name, local, self)
            return self._instances[name]

    def _on_gpu(self, name: str) -> bool:
        device = {"marian": self.config.marian.device, "ctranslate2": self.config.ctranslate2.device}.get(
            name, "cpu"
        )
        return name in GPU_ENGINES and device in ("cuda", "auto") and self.gpus > 0

    def pool(self, name: str, src: str, tgt: str) -> Pool:
        """The actors of ``name`` for ``src`` -> ``tgt``, started on first use."""
        with self._lock:
            if (name, src, tgt) in self._pools:
                return self._pools[(name, src, tgt)]
            gpu = self._on_gpu(name)
            workers = self.asked_workers or (self.gpus if gpu else self.nodes)
            config = self.config
            if (
                name in THREADED and self.asked_workers and getattr(config, name).threads is None
            ):  # the cores shared
                section = getattr(config, name).model_copy(update={"threads": max(1, self.cpus // workers)})
                config = config.model_copy(update={name: section})
            options = {
                "max_restarts": config.run.max_restarts,
                "max_task_retries": config.run.max_restarts,
                "scheduling_strategy": "SPREAD",
                "max_concurrency": self.get(name).concurrency,
            }
            if gpu:
                options["num_gpus"] = min(1.0, self.gpus / workers) / self.pools
            actor = self.ray.remote(EngineActor).options(**options)
            pool = Pool(
                [actor.remote(name, config, FACTORIES.get(name)) for _ in range(workers)],
                [0] * workers,
                [set() for _ in range(workers)],
            )
            self._pools[(name, src, tgt)] = pool
            return pool

    def translate(self, name: str, texts: list[str], src: str, tgt: str) -> list[str]:
        """``texts`` translated by the pair's actors, a batch to the least busy one at a time, in order."""
        if not texts:
            return []
        pool = self.pool(name, src, tgt)
        size = self.config.memory.commit_every
        sent = []
        with self._lock:
            for start in range(0, len(texts), size):
                chosen = min(range(len(pool.actors)), key=pool.busy.__getitem__)
                pool.busy[chosen] += 1
                sent.append(
                    (chosen, pool.actors[chosen].translate.remote(texts[start : start + size], src, tgt))
                )
        try:
            answers = [self._answer(reference, name, src, tgt) for _, reference in sent]
        finally:
            with self._lock:
                for chosen, _ in sent:
                    pool.busy[chosen] -= 1
        outputs: list[str] = []
        with self._lock:
            for (chosen, _), (translated, pid, restarted) in zip(sent, answers):
                if pid not in pool.pids[chosen]:
                    pool.restarts += bool(restarted)
                    pool.pids[chosen].add(pid)
                outputs += translated
        return outputs

    def _answer(self, reference, name: str, src: str, tgt: str):
        """What an actor answered; the engine's own error as raised, a worker lost for good as one line."""
        from ray.exceptions import RayActorError, RayTaskError

        try:
            return self.ray.get(reference)
        except RayTaskError as error:
            cause = getattr(error, "cause", None)
            raise cause if isinstance(cause, Exception) else error from None
        except RayActorError as error:
            raise UserError(
                f"the Ray workers of the {name} engine for {src}->{tgt} died more than"
                f" {self.config.run.max_restarts} times"
                f" (run.max_restarts): {str(error).splitlines()[0]}"
            ) from None

    def restarts(self) -> dict[str, int]:
        """The actor restarts seen (the dead actor's batches retried by Ray), by pair, where there were some."""
        found: dict[str, int] = {}
        for (name, src, tgt), pool in self._pools.items():
            if pool.restarts:
                found[f"{src}->{tgt}"] = found.get(f"{src}->{tgt}", 0) + pool.restarts
        return found

    def describe(self) -> str:
        """One line on where the engines ran: pools, actors, restarts."""
        pairs = sorted({f"{src}->{tgt}" for _, src, tgt in self._pools})
        line = f"ray: {len(self._pools)} engine pool(s) of {self.workers} worker(s) on {self.nodes} node(s)"
        line += f" ({', '.join(pairs) or 'none used'})"
        if restarts := self.restarts():
            line += (
                "; "
                + ", ".join(f"{count} worker restart(s) on {pair}" for pair, count in restarts.items())
                + ", their batches retried by Ray"
            )
        return line

    def close(self) -> None:
        """Stop the actors (their models are freed); the cluster itself stays as it was."""
        with self._lock:
            actors = [actor for pool in self._pools.values() for actor in pool.actors]
            for pool in self._pools.values():
                pool.actors = []
        for actor in actors:
            self.ray.kill(actor, no_restart=True)
