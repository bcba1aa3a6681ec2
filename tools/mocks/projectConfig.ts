// Reads a stack's effective configuration the way the Pulumi CLI would hand it to the program:
// the Pulumi.yaml declared defaults, overlaid with Pulumi.<stack>.yaml. Used by the offline tools
// (`npm run plan`) and by tests, which run index.ts under mocks without the CLI.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

const parsed = new Map<string, { text: string; doc: any }>();

/**
 * A YAML file's document. Parsed once per content: the tests record the program dozens of times per
 * process, and parsing Pulumi.yaml and the stack file for each took about half a second in all.
 * Each caller gets its own copy.
 */
function readYamlFile(file: string): any {
    const text = fs.readFileSync(file, "utf8");
    let hit = parsed.get(file);
    if (hit?.text !== text) {
        hit = { text, doc: YAML.parse(text) ?? {} };
        parsed.set(file, hit);
    }
    return structuredClone(hit.doc);
}

/** Parsed Pulumi.yaml: project name and declared config (bare or namespaced keys). */
export function readProjectFile(rootDir: string): { name: string; config: Record<string, any> } {
    const doc = readYamlFile(path.join(rootDir, "Pulumi.yaml"));
    return { name: String(doc.name), config: doc.config ?? {} };
}

/** Namespaces a key with the project name unless it already has a namespace (`aws:region`). */
export function fullKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/**
 * The effective config of `stack`: Pulumi.yaml defaults overlaid with Pulumi.<stack>.yaml, keyed by
 * full key (`istio-eks-nlb:azCount`, `aws:region`), values as typed YAML values (numbers, booleans,
 * arrays). Secure (encrypted) values are passed through as their `{secure: ...}` objects. The stack
 * file is read from `stackDir` (default: the project root), so tests can run the project's
 * Pulumi.yaml with stack files of their own.
 */
export function loadStackConfig(
    stack: string,
    rootDir: string,
    stackDir: string = rootDir,
): Record<string, unknown> {
    const project = readProjectFile(rootDir);
    const result: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries(project.config)) {
        // A declared key is `{type, default, ...}`; a plain value is a project-level value.
        const isDecl = decl !== null && typeof decl === "object" && !Array.isArray(decl) && "type" in decl;
        if (isDecl && !("default" in decl)) continue;
        result[fullKey(project.name, key)] = isDecl ? decl.default : decl;
    }
    const stackFile = path.join(stackDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) throw new Error(`no stack file ${stackFile}`);
    const stackDoc = readYamlFile(stackFile);
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        result[fullKey(project.name, key)] = value;
    }
    return result;
}
