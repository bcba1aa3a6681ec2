// Starts policies/ exactly as `pulumi preview --policy-pack policies` does: the engine runs
// @pulumi/pulumi's `cmd/run-policy-pack` (resolved from the pack's directory, which is also its
// working directory) with node, passing the engine's address and "."; the runner loads the pack
// through its own ts-node (type-checking), and the pack prints the port of its gRPC analyzer on
// stdout. The engine then speaks the Analyzer service to that port, as `call` does here.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

const PACK_DIR = path.join(__dirname, "..", "..", "policies");
const grpcPb = require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb");
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [grpcPb] }));
const { AnalyzerClient } = require(grpcPb);

export interface PackExit {
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
}

export interface RunningPack {
    /** What the pack printed as its port. */
    port: string;
    /** Calls an Analyzer RPC (`getAnalyzerInfo`, `configure`, `analyzeStack`, ...) with a request protobuf. */
    call(method: string, request: unknown): Promise<any>;
    /** Closes the connection, sends SIGTERM (as the engine ends its plugins) and waits for the exit. */
    stop(): Promise<PackExit>;
}

export function startPolicyPack(): Promise<RunningPack> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    // The first argument is the engine's address; the runner drops it before loading the pack.
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
        cwd: PACK_DIR,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<PackExit>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal, stderr })),
    );
    // Never let a failed test leave the pack running, or keep the test process alive for it.
    const killOnExit = () => child.kill("SIGKILL");
    process.on("exit", killOnExit);
    unref(child);

    return new Promise<RunningPack>((resolve, reject) => {
        const onData = () => {
            const nl = stdout.indexOf("\n");
            if (nl < 0) return;
            child.stdout!.off("data", onData);
            const port = stdout.slice(0, nl).trim();
            const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
            resolve({
                port,
                call: (method, request) =>
                    new Promise((ok, fail) =>
                        client[method](request, (err: unknown, res: unknown) => (err ? fail(err) : ok(res))),
                    ),
                stop: async () => {
                    client.close();
                    child.kill("SIGTERM");
                    const exit = await exited;
                    process.off("exit", killOnExit);
                    return exit;
                },
            });
        };
        child.stdout!.on("data", onData);
        exited.then((e) =>
            reject(
                new Error(
                    `the policy pack exited before printing its port (${e.code ?? e.signal}):\n${e.stderr}`,
                ),
            ),
        );
    });
}

function unref(child: ChildProcess): void {
    child.unref();
    for (const s of [child.stdout, child.stderr]) (s as unknown as { unref?: () => void })?.unref?.();
}
