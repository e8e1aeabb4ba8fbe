// A real single-node Slurm for the tests: munged, slurmctld and slurmd from Debian's slurm-wlm and munge
// packages (`make setup`), configured for this machine (2 CPUs) with every file (key, sockets, state, spool,
// logs, pid files) under one scratch folder and free TCP ports, so it touches nothing of the system's and two
// test runs cannot meet. `stop()` shuts everything down; the test calls it on every path.
import Foundation
import XCTest

struct SlurmUnavailable: Error, CustomStringConvertible {
    var description: String
}

final class SlurmCluster {
    let root: String
    var conf: String { root + "/slurm.conf" }
    /// For every Slurm client the test runs (sbatch, scontrol; `lorweb slurm --submit`).
    var environment: [String: String] { ["SLURM_CONF": conf] }
    private var mungeSocket: String { root + "/munge/munge.socket" }
    private var pidFiles: [String] { ["slurmd", "slurmctld", "munged"].map { root + "/\($0).pid" } }

    /// The daemons the packages install (sbin is often not on a test's PATH).
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        return folders.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(root: String) { self.root = root }

    /// Starts munged, slurmctld and slurmd and waits (bounded) for the node to be idle; throws the reason it could not.
    func start() throws {
        var tools: [String: String] = [:]
        let needed = ["munged", "slurmctld", "slurmd", "sbatch", "scontrol", "sinfo"]
        for name in needed { tools[name] = Self.tool(name) }
        let missing = needed.filter { tools[$0] == nil }
        guard missing.isEmpty else {
            throw SlurmUnavailable(description: "not installed: \(missing.joined(separator: ", ")) (`make setup` installs slurm-wlm and munge)")
        }
        guard getuid() == 0 else {
            throw SlurmUnavailable(description: "the single-node Slurm runs as root (slurmd starts each job as its user; CI runs as root)")
        }
        let manager = FileManager.default
        for folder in ["munge", "state", "spool", "log"] {
            try manager.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        // munged refuses a socket folder others cannot traverse, and a key others can read.
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/munge")
        var key = [UInt8](repeating: 0, count: 1024)
        var random = SystemRandomNumberGenerator()
        for i in key.indices { key[i] = random.next() }
        manager.createFile(atPath: root + "/munge/munge.key", contents: Data(key), attributes: [.posixPermissions: 0o400])

        let host = Self.shortHostName()
        let ports = try Self.freePorts(2)
        try """
            # Written by SlurmCluster (the lorweb tests): one node, this machine, everything under \(root).
            ClusterName=lorwebtest
            SlurmctldHost=\(host)(127.0.0.1)
            SlurmUser=root
            SlurmdUser=root
            SlurmctldPort=\(ports[0])
            SlurmdPort=\(ports[1])
            AuthType=auth/munge
            AuthInfo=socket=\(mungeSocket)
            CredType=cred/munge
            StateSaveLocation=\(root)/state
            SlurmdSpoolDir=\(root)/spool
            SlurmctldPidFile=\(root)/slurmctld.pid
            SlurmdPidFile=\(root)/slurmd.pid
            SlurmctldLogFile=\(root)/log/slurmctld.log
            SlurmdLogFile=\(root)/log/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            SchedulerType=sched/backfill
            MpiDefault=none
            ReturnToService=2
            SlurmdParameters=config_overrides
            MinJobAge=600
            NodeName=\(host) NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN
            PartitionName=lorweb Nodes=ALL Default=YES MaxTime=INFINITE State=UP

            """.write(toFile: conf, atomically: true, encoding: .utf8)

        // Each daemon forks into the background once it is ready (munged: its socket exists).
        try daemon(tools["munged"]!, ["--socket=\(mungeSocket)", "--key-file=\(root)/munge/munge.key",
                                      "--log-file=\(root)/munge/munged.log", "--pid-file=\(root)/munged.pid",
                                      "--seed-file=\(root)/munge/munged.seed"])
        try daemon(tools["slurmctld"]!, ["-f", conf])
        try daemon(tools["slurmd"]!, ["-f", conf])
        let deadline = Date().addingTimeInterval(30)
        var state = ""
        while Date() < deadline {
            let sinfo = try run("sinfo", ["-h", "-N", "-o", "%T"])
            state = sinfo.out.trimmingCharacters(in: .whitespacesAndNewlines)
            if sinfo.code == 0 && state == "idle" { return }
            Thread.sleep(forTimeInterval: 0.25)
        }
        throw SlurmUnavailable(description: "the node did not become idle within 30 s (state '\(state)')\n" + logs())
    }

    /// Runs a Slurm client with this cluster's configuration.
    func run(_ tool: String, _ arguments: [String]) throws -> LorwebResult {
        guard let path = Self.tool(tool) else { throw SlurmUnavailable(description: "\(tool) is not installed") }
        return try runProcess(path, arguments, environment: environment)
    }

    /// Stops the daemons (politely, then SIGKILL after 10 s); safe to call twice or after a failed start.
    func stop() {
        if FileManager.default.fileExists(atPath: conf) { _ = try? run("scontrol", ["shutdown"]) }
        let pids = pidFiles.compactMap { (try? String(contentsOfFile: $0, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
        for pid in pids where pid > 1 { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while pids.contains(where: { kill($0, 0) == 0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        for pid in pids where pid > 1 && kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        for file in pidFiles { try? FileManager.default.removeItem(atPath: file) }
    }

    /// The ends of the daemons' logs, for a failure message.
    func logs() -> String {
        ["munge/munged.log", "log/slurmctld.log", "log/slurmd.log"].map { name in
            let text = (try? String(contentsOfFile: root + "/" + name, encoding: .utf8)) ?? "(none)"
            return "--- \(name):\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Starts a daemon and waits for its launcher to exit (the daemon forks once ready). posix_spawn and waitpid,
    /// not Process: Foundation's Process waits until every copy of its internal descriptors closes, and a daemon
    /// keeps them, so waitUntilExit would never return.
    private func daemon(_ path: String, _ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let launch = root + "/log/launch.log"
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, launch, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let environment = ProcessInfo.processInfo.environment.merging(self.environment) { _, new in new }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw SlurmUnavailable(description: "cannot start \(path): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let said = (try? String(contentsOfFile: launch, encoding: .utf8)) ?? ""
            throw SlurmUnavailable(description: "\(URL(fileURLWithPath: path).lastPathComponent) did not start ("
                                   + (exited ? "exit \(code)" : "signal \(status & 0x7f)") + "): "
                                   + said.trimmingCharacters(in: .whitespacesAndNewlines) + "\n" + logs())
        }
    }

    /// Slurm names a node by its host name up to the first dot.
    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        let name = String(cString: buffer)
        return String(name.split(separator: ".").first ?? "localhost")
    }

    /// TCP ports free now (bound to port 0 and released); the daemons take them a moment later.
    static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = [], ports: [Int] = []
        defer { for s in sockets { close(s) } }
        for _ in 0..<count {
            let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard s >= 0 else { throw SlurmUnavailable(description: "no socket for a free port") }
            sockets.append(s)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, length) == 0 && getsockname(s, $0, &length) == 0 }
            }
            guard bound else { throw SlurmUnavailable(description: "cannot find a free TCP port") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
