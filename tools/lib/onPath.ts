// Finding a program on PATH without starting a process: `npm run check` looks for kustomize or
// kubectl, `npm run deploy` for the AWS CLI. One lookup, so both tools agree on what "on PATH" means
// (PATH order, PATHEXT on Windows, a regular file this process may execute).
import * as fs from "fs";
import * as path from "path";

/** What a PATH lookup reads; the deploy tests fake all of it. */
export interface PathLookup {
    /** Environment variables: PATH (Path on Windows), PATHEXT. */
    env: Record<string, string | undefined>;
    /** `process.platform`: Windows separates PATH with ";" and tries the PATHEXT extensions. */
    platform: string;
    /** True when `file` exists and may be executed. */
    isExecutable(file: string): boolean;
}

/** The first `name` found on PATH, as a path joined from the PATH entry; undefined when none. */
export function findOnPath(name: string, lookup: PathLookup): string | undefined {
    const windows = lookup.platform === "win32";
    const env = lookup.env;
    const dirs = (env.PATH ?? env.Path ?? "").split(windows ? ";" : ":").filter((d) => d !== "");
    const exts = windows ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
    for (const dir of dirs) {
        for (const ext of exts) {
            const file = path.join(dir, name + ext);
            if (lookup.isExecutable(file)) return file;
        }
    }
    return undefined;
}

/** True when `file` is a regular file this process may execute (the real `isExecutable`). */
export function isExecutableFile(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** The lookup of this process: its environment (or `env`), its platform, the file system. */
export function processPathLookup(env: Record<string, string | undefined> = process.env): PathLookup {
    return { env, platform: process.platform, isExecutable: isExecutableFile };
}
