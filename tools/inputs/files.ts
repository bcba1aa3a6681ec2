// Turns the PATH arguments into the list of files to read. Directories are walked for the formats
// the checker understands; a file named explicitly is read whatever its extension, because the user
// asked for it (e.g. `helm template ... > rendered.out`).
import * as fs from "fs";
import * as path from "path";
import { InputError } from "./errors";

/** Extensions picked up when walking a directory. */
export const WALKED_EXTENSIONS = [".yaml", ".yml", ".json"];

/**
 * Lists the files to analyse, in a stable order (sorted within each directory), without duplicates
 * (the same file reached through a directory and by name is read once). Paths stay as the user wrote
 * them, joined with the names found under them, so messages never show absolute paths.
 */
export function collectFiles(paths: string[]): string[] {
    const files: string[] = [];
    const seen = new Set<string>();
    const add = (file: string) => {
        const key = fs.realpathSync(file);
        if (!seen.has(key)) {
            seen.add(key);
            files.push(file);
        }
    };
    for (const p of paths) {
        let stat: fs.Stats;
        try {
            stat = fs.statSync(p);
        } catch (e) {
            throw new InputError(p, `cannot read: ${systemReason(e)}`);
        }
        if (stat.isDirectory()) {
            const found = walk(p);
            if (found.length === 0) {
                throw new InputError(
                    p,
                    `directory holds no ${WALKED_EXTENSIONS.join(", ")} files; nothing to check`,
                );
            }
            found.forEach(add);
        } else if (stat.isFile()) {
            add(p);
        } else {
            throw new InputError(p, "not a regular file or directory");
        }
    }
    return files;
}

function walk(dir: string): string[] {
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
        throw new InputError(dir, `cannot read directory: ${systemReason(e)}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const out: string[] = [];
    for (const entry of entries) {
        // Hidden entries (.git, editor swap dirs) are never inputs.
        if (entry.name.startsWith(".")) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...walk(full));
        else if (WALKED_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) out.push(full);
    }
    return out;
}

/** Reads a file as UTF-8, turning OS errors into an InputError naming the file. */
export function readText(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(file, `cannot read: ${systemReason(e)}`);
    }
}

/** "no such file or directory" rather than an errno dump with the absolute path in it. */
export function systemReason(e: unknown): string {
    const code = (e as NodeJS.ErrnoException)?.code;
    switch (code) {
        case "ENOENT":
            return "no such file or directory";
        case "EACCES":
        case "EPERM":
            return "permission denied";
        case "EISDIR":
            return "is a directory";
        default:
            return code ?? String((e as Error)?.message ?? e);
    }
}
