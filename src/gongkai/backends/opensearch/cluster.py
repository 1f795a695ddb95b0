"""A local OpenSearch cluster for development and tests: N nodes on 127.0.0.1, one JVM each.

The nodes run the jars that ``opensearch/pom.xml`` copies from Maven Central into
``opensearch/target/lib`` (``mvn package``; ``scripts/opensearch`` builds them when missing).
Each node is a separate ``java`` process, so one can be stopped while the others keep serving
(the failover tests do that). Everything a cluster writes — per node its config, data, logs and
pid file, plus ``cluster.json`` with the ports — lives under one data folder.

This is tooling, not the backend: gongkai's OpenSearch backend talks to any cluster by URL.
Security is off and the nodes bind to loopback only; heaps are small (``heap``, default 384 MB).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ...errors import ConfigError

MAIN_CLASS = "gongkai.opensearch.GongkaiNode"
CLUSTER_FILE = "cluster.json"


def java_missing_reason() -> str | None:
    """Why a local cluster cannot run here (no java, no mvn), or None."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (the OpenSearch tests need Java 17 and Maven)"
    return None


def build_jars(project: Path, quiet: bool = True) -> Path:
    """``mvn package`` in ``project`` (the repository's ``opensearch/`` folder) unless already built;
    returns the folder with the class path (``target``)."""
    target = project / "target"
    stamp = target / "lib" / ".built"
    sources = [project / "pom.xml", *(p for p in (project / "src").rglob("*") if p.is_file())]
    if not stamp.exists() or stamp.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        cmd = ["mvn", "-B", "-q", "package"] if quiet else ["mvn", "-B", "package"]
        done = subprocess.run(cmd, cwd=project, capture_output=quiet, text=True)
        if done.returncode != 0:
            raise ConfigError(f"building the OpenSearch node in {project} failed (mvn package):\n"
                              f"{(done.stdout or '')[-3000:]}{(done.stderr or '')[-2000:]}")
        stamp.touch()
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class NodeInfo:
    name: str
    http_port: int
    transport_port: int
    pid: int | None = None


@dataclass
class Cluster:
    """A cluster whose nodes live under ``data_dir``; see the module docstring."""

    data_dir: Path
    target: Path  # opensearch/target (classes/ and lib/)
    nodes: list[NodeInfo] = field(default_factory=list)
    name: str = "gongkai"
    heap: str = "384m"
    # Nodes stop by themselves when this process ends (tests: a killed test run leaves no JVM behind).
    watch_parent: bool = False
    # Processes this object started (kept so they are reaped; nodes found running from a
    # cluster.json of an earlier command are known by pid only).
    _procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict, repr=False)

    # -- layout ----------------------------------------------------------------------------------
    @classmethod
    def create(cls, data_dir: Path, target: Path, n: int = 2, http_port: int | None = 9200,
               transport_port: int | None = 9300, heap: str = "384m") -> Cluster:
        """A new cluster description (ports from the given bases, or free ports when None)."""
        nodes = [NodeInfo(f"node-{i + 1}",
                          http_port + i if http_port else free_port(),
                          transport_port + i if transport_port else free_port()) for i in range(n)]
        return cls(Path(data_dir), Path(target), nodes, heap=heap)

    @classmethod
    def load(cls, data_dir: Path, target: Path) -> Cluster | None:
        try:
            raw = json.loads((Path(data_dir) / CLUSTER_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return cls(Path(data_dir), Path(target), [NodeInfo(**n) for n in raw["nodes"]], raw.get("name", "gongkai"),
                   raw.get("heap", "384m"))

    def save(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        data = {"name": self.name, "heap": self.heap, "nodes": [asdict(n) for n in self.nodes]}
        (self.data_dir / CLUSTER_FILE).write_text(json.dumps(data, indent=1), "utf-8")

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{n.http_port}" for n in self.nodes]

    def _home(self, node: NodeInfo) -> Path:
        return self.data_dir / node.name

    def _config(self, node: NodeInfo) -> str:
        settings: dict[str, Any] = {
            "cluster.name": self.name,
            "node.name": node.name,
            "path.data": str(self._home(node) / "data"),
            "path.logs": str(self._home(node) / "logs"),
            "network.host": "127.0.0.1",
            "http.port": node.http_port,
            "transport.port": node.transport_port,
            # A shared 2-core machine: thread pools sized for one processor each.
            "node.processors": 1,
            # Test and developer machines often have a full-ish disk; never refuse shards for it.
            "cluster.routing.allocation.disk.threshold_enabled": False,
            "action.auto_create_index": False,
        }
        if len(self.nodes) == 1:
            settings["discovery.type"] = "single-node"
        else:
            settings["discovery.seed_hosts"] = [f"127.0.0.1:{n.transport_port}" for n in self.nodes]
            settings["cluster.initial_cluster_manager_nodes"] = [n.name for n in self.nodes]
        return "".join(f"{k}: {json.dumps(v)}\n" for k, v in settings.items())

    # -- processes -------------------------------------------------------------------------------
    def start(self, timeout: float = 120.0, wait: bool = True) -> float:
        """Start every node that is not running; wait until all have joined. Returns the seconds taken."""
        t0 = time.monotonic()
        self.save()
        for node in self.nodes:
            if not self.running(node):
                self.start_node(node)
        if wait:
            self.wait_for(len(self.nodes), timeout=timeout)
        return time.monotonic() - t0

    def start_node(self, node: NodeInfo) -> None:
        home = self._home(node)
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "logs").mkdir(parents=True, exist_ok=True)
        (home / "config" / "opensearch.yml").write_text(self._config(node), "utf-8")
        classpath = f"{self.target / 'classes'}{os.pathsep}{self.target / 'lib' / '*'}"
        cmd = [
            "java", f"-Xms{self.heap}", f"-Xmx{self.heap}", "-XX:+UseSerialGC", "-Xss1m",
            f"-XX:MaxDirectMemorySize={self.heap}", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
            "-Dlog4j2.disable.jmx=true", f"-Djava.io.tmpdir={home}",
            *([f"-Dgongkai.parent.pid={os.getpid()}"] if self.watch_parent else []),
            "-cp", classpath, MAIN_CLASS, str(home),
        ]
        log = (home / "logs" / "node.log").open("ab")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        log.close()
        self._procs[node.name] = proc
        node.pid = proc.pid
        self.save()

    def running(self, node: NodeInfo) -> bool:
        if not node.pid:
            return False
        proc = self._procs.get(node.name)
        if proc is not None and proc.pid == node.pid:
            return proc.poll() is None
        try:
            os.kill(node.pid, 0)
        except OSError:
            return False
        try:  # a zombie (our own finished child) is not running
            done, _ = os.waitpid(node.pid, os.WNOHANG)
            return done == 0
        except ChildProcessError:
            return _cmdline_is_node(node.pid)

    def stop_node(self, node: NodeInfo, timeout: float = 30.0) -> None:
        """SIGTERM (the node closes its shards cleanly), SIGKILL after ``timeout``."""
        if not self.running(node):
            node.pid = None
            self.save()
            return
        assert node.pid is not None
        os.kill(node.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.running(node) and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.running(node):
            os.kill(node.pid, signal.SIGKILL)
            while self.running(node):
                time.sleep(0.05)
        node.pid = None
        self.save()

    def kill_node(self, node: NodeInfo) -> None:
        """SIGKILL: the node dies without closing anything (the failover tests' crash)."""
        if self.running(node):
            assert node.pid is not None
            os.kill(node.pid, signal.SIGKILL)
            while self.running(node):
                time.sleep(0.05)
        node.pid = None
        self.save()

    def stop(self) -> None:
        for node in self.nodes:
            self.stop_node(node)

    def node_rss_mb(self, node: NodeInfo) -> float:
        """Resident memory of a running node's JVM, in MB (0 when it is not running)."""
        if not self.running(node):
            return 0.0
        try:
            for line in Path(f"/proc/{node.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    # -- health ----------------------------------------------------------------------------------
    def health(self, node: NodeInfo | None = None) -> dict[str, Any] | None:
        for n in [node] if node else self.nodes:
            if node is None and not self.running(n):
                continue
            try:
                r = httpx.get(f"http://127.0.0.1:{n.http_port}/_cluster/health", timeout=2.0)
                if r.status_code == 200:
                    return r.json()  # type: ignore[no-any-return]
            except httpx.HTTPError:
                continue
        return None

    def wait_for(self, nodes: int, timeout: float = 120.0, status: str = "yellow") -> dict[str, Any]:
        """Wait until ``nodes`` nodes are in the cluster and it is at least ``status``."""
        order = {"red": 0, "yellow": 1, "green": 2}
        deadline = time.monotonic() + timeout
        last: dict[str, Any] | None = None
        while time.monotonic() < deadline:
            last = self.health()
            if last and last.get("number_of_nodes") == nodes and order[last["status"]] >= order[status]:
                return last
            dead = [n.name for n in self.nodes if n.pid and not self.running(n)]
            if dead:
                raise ConfigError(f"OpenSearch node {dead[0]} exited during start-up; see "
                                  f"{self._home(self.nodes[0]).parent}/{dead[0]}/logs/node.log")
            time.sleep(0.25)
        raise ConfigError(f"the OpenSearch cluster in {self.data_dir} did not reach {nodes} nodes "
                          f"({status}) within {timeout:.0f} s; last health: {last}")


def _cmdline_is_node(pid: int) -> bool:
    try:
        return MAIN_CLASS.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


# -- command line (scripts/opensearch) -----------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="scripts/opensearch", description="A local OpenSearch cluster on 127.0.0.1.")
    p.add_argument("action", choices=["build", "start", "stop", "status"])
    p.add_argument("--nodes", type=int, default=2, help="nodes to start (default 2)")
    p.add_argument("--data", type=Path, default=Path("opensearch/cluster"), help="data folder (default opensearch/cluster)")
    p.add_argument("--port", type=int, default=9200, help="HTTP port of the first node (default 9200)")
    p.add_argument("--heap", default="384m", help="heap per node (default 384m)")
    p.add_argument("--project", type=Path, default=Path("opensearch"), help="the folder with pom.xml")
    args = p.parse_args(argv)
    try:
        target = args.project / "target"
        cluster = Cluster.load(args.data, target)
        if args.action == "build":
            reason = java_missing_reason()
            if reason:
                raise ConfigError(reason)
            build_jars(args.project)
        elif args.action == "start":
            reason = java_missing_reason()
            if reason:
                raise ConfigError(reason)
            build_jars(args.project)
            if cluster is None or len(cluster.nodes) != args.nodes:
                if cluster is not None and any(cluster.running(n) for n in cluster.nodes):
                    raise ConfigError(f"a cluster of {len(cluster.nodes)} nodes runs in {args.data}: stop it first")
                cluster = Cluster.create(args.data, target, args.nodes, args.port, args.port + 100, args.heap)
            took = cluster.start()
            print(f"OpenSearch up in {took:.1f} s: {', '.join(cluster.urls)} (data in {args.data})")
            for n in cluster.nodes:
                print(f"  {n.name}: pid {n.pid}, {cluster.node_rss_mb(n):.0f} MB resident")
            print(f"use it: gongkai init --backend opensearch --url {cluster.urls[0]}")
        elif args.action == "stop":
            if cluster is None:
                print(f"no cluster in {args.data}")
                return 0
            cluster.stop()
            print("stopped")
        else:
            if cluster is None:
                print(f"no cluster in {args.data}")
                return 1
            up = [n for n in cluster.nodes if cluster.running(n)]
            for n in cluster.nodes:
                state = f"running (pid {n.pid}, {cluster.node_rss_mb(n):.0f} MB)" if n in up else "stopped"
                print(f"{n.name}: http://127.0.0.1:{n.http_port} {state}")
            h = cluster.health()
            print(f"cluster: {h['status']}, {h['number_of_nodes']} nodes" if h else "cluster: not answering")
            return 0 if up else 1
    except ConfigError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
