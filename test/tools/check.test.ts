// `npm run check`: the real command on fixture files (one spawn per exit code, covering every input
// kind), and the many remaining cases through main(argv, io) in-process, which is the same code
// minus process startup.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UNKNOWN } from "../../policies/lib/types";
import { main } from "../../tools/check";
import { FIXTURES, RunResult, runInProcess, spawnTool } from "./run";

const ALB_POLICY = "no-alb-in-front-of-istio-gateway";
const f = (name: string) => `${FIXTURES}/${name}`;
const check = (...argv: string[]) => runInProcess(main, argv);
/** Runs check with PATH set to `dir` only: which kustomize or kubectl it finds is up to the test. */
const checkWithPath = (dir: string, ...argv: string[]) =>
    runInProcess(main, argv, { ...process.env, PATH: dir, npm_lifecycle_event: "" });

interface JsonReport {
    resources: number;
    skipped: { file: string; reason: string }[];
    notices: string[];
    violations: { policy: string; enforcementLevel: string; resource: string | null; message: string }[];
}

function mandatory(r: RunResult): JsonReport["violations"] {
    return (JSON.parse(r.stdout) as JsonReport).violations.filter((v) => v.enforcementLevel === "mandatory");
}

// Three real processes: exit 1 on manifests + preview JSON together, exit 0 on a stack export, exit
// 2 on a broken file. Started when mocha loads this file, so that they run on the second core while
// the rest of the suite runs in mocha's own process.
const spawned = Promise.all([
    spawnTool("tools/check.ts", [
        "--format",
        "json",
        f("manifests/alb-ingress-to-gateway.yaml"),
        f("preview-unknown-arns.json"),
    ]),
    spawnTool("tools/check.ts", [f("export-nlb-clean.json")]),
    spawnTool("tools/check.ts", [f("bad/malformed.yaml")]),
]);

describe("npm run check (spawned)", () => {
    let chain: RunResult, clean: RunResult, broken: RunResult;
    before(async () => {
        [chain, clean, broken] = await spawned;
    });

    it("exits 1 and names both chains when a manifest and a preview with unknown ARNs have one each", () => {
        assert.equal(chain.code, 1, chain.stderr);
        const report = JSON.parse(chain.stdout) as JsonReport;
        assert.deepEqual(Object.keys(report).sort(), ["notices", "resources", "skipped", "violations"]);
        for (const v of report.violations) {
            assert.deepEqual(Object.keys(v).sort(), ["enforcementLevel", "message", "policy", "resource"]);
        }
        // 2 manifest objects + 6 preview resources (stack root and providers not counted).
        assert.equal(report.resources, 8);
        const found = mandatory(chain).map((v) => [v.policy, v.resource]);
        assert.deepEqual(found.sort(), [
            [ALB_POLICY, "Ingress/istio-ingress/public"],
            [ALB_POLICY, "urn:pulumi:staging::shop::aws:lb/loadBalancer:LoadBalancer::web-alb"],
        ]);
    });

    it("exits 0 on a clean NLB stack export, with a PASS summary", () => {
        assert.equal(clean.code, 0, clean.stderr);
        assert.equal(clean.stderr, "");
        assert.match(
            clean.stdout,
            /^8 resources from 1 file; violations: 0 mandatory, 0 advisory\. PASS\.$/m,
        );
    });

    it("exits 2 on malformed YAML, naming the file and line, printing nothing on stdout", () => {
        assert.equal(broken.code, 2);
        assert.equal(broken.stdout, "");
        assert.match(
            broken.stderr,
            /^check: test\/fixtures\/check\/bad\/malformed\.yaml: malformed YAML at line \d+, column \d+: /,
        );
    });
});

describe("npm run check (in-process)", () => {
    describe("Kubernetes manifests", () => {
        it("rejects an ALB Ingress to the gateway and prints the chain hop by hop", async () => {
            const r = await check(f("manifests/alb-ingress-to-gateway.yaml"));
            assert.equal(r.code, 1);
            assert.match(
                r.stdout,
                /^MANDATORY {2}no-alb-in-front-of-istio-gateway\n {2}resource: Ingress\/istio-ingress\/public\n/,
            );
            assert.match(
                r.stdout,
                /kubernetes:networking\.k8s\.io\/v1:Ingress "public"[^\n]*\n\s+-> kubernetes:core\/v1:Service "istio-ingressgateway"/,
            );
            assert.match(r.stdout, /FAIL: mandatory violations block the deployment\.\n$/);
        });

        it("follows the old extensions/v1beta1 Ingress (annotation class, serviceName)", async () => {
            const r = await check("--format", "json", f("manifests/old-ingress-extensions.yaml"));
            assert.equal(r.code, 1);
            assert.deepEqual(
                mandatory(r).map((v) => v.resource),
                ["Ingress/istio-system/legacy"],
            );
            assert.match(mandatory(r)[0].message, /kubernetes:extensions\/v1beta1:Ingress "legacy"/);
        });

        it("reads helm-template output: comments, empty documents and a `kind: List` flattened", async () => {
            const r = await check("--format", "json", f("manifests/helm-template-gateway.yaml"));
            assert.equal(r.code, 1);
            const report = JSON.parse(r.stdout) as JsonReport;
            // ServiceAccount, Service, and the List's IngressClass and Ingress.
            assert.equal(report.resources, 4);
            assert.deepEqual(
                mandatory(r).map((v) => v.resource),
                ["Ingress/istio-gateway/storefront"],
            );
            assert.match(mandatory(r)[0].message, /IngressClass controller ingress\.k8s\.aws\/alb/);
        });

        it("links a Service in one file to an Ingress in another (all PATHs are one stack)", async () => {
            const alone = await check(f("split/ingress.yaml"));
            assert.equal(alone.code, 0, "the Ingress alone routes to an unknown Service");
            const both = await check("--format", "json", f("split"));
            assert.equal(both.code, 1);
            assert.deepEqual(
                mandatory(both).map((v) => v.resource),
                ["Ingress/edge/edge"],
            );
        });

        it("reads `kubectl get -o json` output (a JSON List with status fields)", async () => {
            const r = await check("--format", "json", f("kubectl/get-all.json"));
            assert.equal(r.code, 1);
            assert.deepEqual(
                mandatory(r).map((v) => v.resource),
                ["Ingress/ingress/api"],
            );
        });

        it("reads typed lists from the API (ServiceList items carry no kind)", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-list-"));
            try {
                const file = path.join(dir, "lists.yaml");
                fs.writeFileSync(
                    file,
                    [
                        "apiVersion: v1",
                        "kind: ServiceList",
                        "items:",
                        "  - metadata: {name: edge-gw, namespace: edge, labels: {istio: ingressgateway}}",
                        "    spec: {selector: {istio: ingressgateway}}",
                        "---",
                        "apiVersion: networking.k8s.io/v1",
                        "kind: IngressList",
                        "items:",
                        "  - metadata: {name: edge, namespace: edge}",
                        "    spec: {ingressClassName: alb, defaultBackend: {service: {name: edge-gw, port: {number: 80}}}}",
                    ].join("\n"),
                );
                const r = await check("--format", "json", file);
                assert.equal(r.code, 1, r.stderr);
                assert.deepEqual(
                    mandatory(r).map((v) => v.resource),
                    ["Ingress/edge/edge"],
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("walks a directory and reports each chain once", async () => {
            const r = await check("--format", "json", f("manifests"));
            assert.equal(r.code, 1);
            assert.equal(mandatory(r).length, 3);
        });
    });

    describe("repository folders: charts, CI files, kustomizations", () => {
        const REPO = f("repo");
        const OVERLAY = `${REPO}/deploy/overlays/prod`;
        let tmp: string;
        before(() => {
            tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-repo-"));
        });
        after(() => fs.rmSync(tmp, { recursive: true, force: true }));
        /** A directory to use as PATH, holding a fake `kustomize` with this shell body. */
        const fakeKustomize = (name: string, body: string): string => {
            const dir = path.join(tmp, name);
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "kustomize"), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
            return dir;
        };

        it("skips charts, values, templates, CI, compose and tool configs, lists them, and still finds the chain", async () => {
            const empty = fs.mkdtempSync(path.join(tmp, "no-tools-"));
            const json = await checkWithPath(empty, "--format", "json", REPO);
            assert.equal(json.code, 1, json.stderr);
            const report = JSON.parse(json.stdout) as JsonReport;
            assert.deepEqual(
                report.skipped.map((x) => [x.file.slice(REPO.length + 1), x.reason.split(/[;(]/)[0].trim()]),
                [
                    ["charts/edge-gateway/Chart.yaml", "Helm chart metadata"],
                    ["charts/edge-gateway/templates/ingress.yaml", "Helm chart template"],
                    ["charts/edge-gateway/values-prod.yaml", "Helm values"],
                    ["charts/edge-gateway/values.yaml", "Helm values"],
                    ["ci/azure-pipelines.yml", "no apiVersion/kind: not a Kubernetes object"],
                    ["ci/cloudbuild.yaml", "no apiVersion/kind: not a Kubernetes object"],
                    ["cluster/eksctl.yaml", "tool configuration"],
                    [
                        "deploy/base/notes.yaml",
                        "in kustomize directory test/fixtures/check/repo/deploy/base but not listed in its kustomization",
                    ],
                    [
                        "deploy/overlays/prod/ingress-patch.yaml",
                        "patch or generator input of kustomization test/fixtures/check/repo/deploy/overlays/prod, not applied without kustomize",
                    ],
                    ["docker-compose.yml", "no apiVersion/kind: not a Kubernetes object"],
                ],
            );
            assert.match(
                report.skipped.find((x) => x.file.endsWith("azure-pipelines.yml"))!.reason,
                /CI pipeline/,
            );
            assert.match(
                report.skipped.find((x) => x.file.endsWith("docker-compose.yml"))!.reason,
                /compose file/,
            );
            // The base reached through the overlay is read once; the patch is not read as an object.
            assert.equal(report.resources, 3);
            assert.deepEqual(
                mandatory(json).map((v) => v.resource),
                ["Ingress/edge/public"],
            );
            assert.deepEqual(report.notices, [
                `${OVERLAY}: neither kustomize nor kubectl is on PATH, so its resources are read as they are (patches, generators and name or namespace transforms not applied)`,
            ]);

            const text = await checkWithPath(empty, REPO);
            assert.equal(text.code, 1);
            assert.match(
                text.stdout,
                /\nskipped 10 files \(not read as Kubernetes objects\):\n {2}test\/fixtures\/check\/repo\/charts\/edge-gateway\/Chart\.yaml: Helm chart metadata; render the chart \(helm template\)/,
            );
            assert.match(
                text.stdout,
                /\nnotice: test\/fixtures\/check\/repo\/deploy\/overlays\/prod: neither kustomize nor kubectl is on PATH/,
            );
            assert.match(
                text.stdout,
                /\n3 resources from 2 files; violations: 1 mandatory, 0 advisory\. FAIL/,
            );
            assert.ok(!text.stdout.includes(".github"), "hidden directories are not inputs");
        });

        it("builds a top-level kustomization once with kustomize on PATH, and reads only the build", async () => {
            const log = path.join(tmp, "kustomize.log");
            const built = [
                "apiVersion: v1",
                "kind: Service",
                "metadata: {name: prod-public, namespace: edge}",
                "spec: {selector: {app: edge}}",
                "---",
                "apiVersion: apps/v1",
                "kind: Deployment",
                "metadata: {name: prod-edge-gateway, namespace: edge}",
                "spec: {template: {metadata: {labels: {app: edge, istio: ingressgateway}}}}",
                "---",
                "apiVersion: networking.k8s.io/v1",
                "kind: Ingress",
                "metadata: {name: prod-public, namespace: edge}",
                "spec: {ingressClassName: alb, defaultBackend: {service: {name: prod-public, port: {number: 80}}}}",
            ].join("\n");
            const bin = fakeKustomize("tools", `echo "$@" >> '${log}'\nprintf '%s\\n' '${built}'`);
            const r = await checkWithPath(bin, "--format", "json", REPO);
            assert.equal(r.code, 1, r.stderr);
            assert.deepEqual(
                fs
                    .readFileSync(log, "utf8")
                    .split("\n")
                    .filter((l) => l),
                [`build ${OVERLAY}`],
            );
            const report = JSON.parse(r.stdout) as JsonReport;
            assert.equal(report.resources, 3, "the build's objects only: no base file read next to it");
            assert.deepEqual(
                mandatory(r).map((v) => v.resource),
                [`Ingress/edge/prod-public (${OVERLAY})`],
            );
            assert.deepEqual(report.notices, []);
            assert.ok(
                !report.skipped.some((x) => x.file.includes("ingress-patch")),
                "the build applied the patch",
            );
            const text = await checkWithPath(bin, REPO);
            assert.match(text.stdout, /\n3 resources from 0 files and 1 kustomize build; /);
        });

        it("exits 2 naming the directory when the kustomize build fails", async () => {
            const bin = fakeKustomize(
                "failing",
                "echo 'Error: accumulating resources: ../../base: not found' >&2\nexit 1",
            );
            const r = await checkWithPath(bin, REPO);
            assert.equal(r.code, 2);
            assert.equal(r.stdout, "");
            assert.match(
                r.stderr,
                /^check: test\/fixtures\/check\/repo\/deploy\/overlays\/prod: `kustomize build` failed \(exit 1\): Error: accumulating resources/,
            );
        });

        it("keeps strictness: a malformed manifest in a walked folder and a named Chart.yaml exit 2", async () => {
            const dir = path.join(tmp, "strict");
            fs.mkdirSync(dir);
            fs.copyFileSync(`${REPO}/charts/edge-gateway/Chart.yaml`, path.join(dir, "Chart.yaml"));
            fs.writeFileSync(
                path.join(dir, "ingress.yaml"),
                "apiVersion: networking.k8s.io/v1\nkind: Ingress\nspec: {}\n",
            );
            const walked = await check(dir);
            assert.equal(walked.code, 2);
            assert.match(walked.stderr, /ingress\.yaml: Ingress has no metadata\.name/);
            const named = await check(`${REPO}/charts/edge-gateway/Chart.yaml`);
            assert.equal(named.code, 2);
            assert.match(named.stderr, /Chart\.yaml: Kubernetes object has no kind/);
        });

        it("skips a walked file that is blank or only comments as empty, and checks the rest", async () => {
            const dir = path.join(tmp, "empty");
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "blank.yaml"), "\n");
            fs.writeFileSync(path.join(dir, "comments.yaml"), "# rendered nothing\n---\n# nor here\n");
            fs.copyFileSync(f("manifests/alb-ingress-to-gateway.yaml"), path.join(dir, "ingress.yaml"));
            const r = await check("--format", "json", dir);
            assert.equal(r.code, 1, r.stderr);
            const report = JSON.parse(r.stdout) as JsonReport;
            assert.deepEqual(
                report.skipped.map((x) => [path.basename(x.file), x.reason]),
                [
                    ["blank.yaml", "empty file"],
                    ["comments.yaml", "empty file"],
                ],
            );
            assert.ok(report.resources > 0);
        });

        it("exits 2 on a malformed kustomization, naming the file, line and column like any input", async () => {
            const dir = path.join(tmp, "bad-kustomization");
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "kustomization.yaml"), "resources:\n  - a.yaml\n - b.yaml\n");
            const r = await check(dir);
            assert.equal(r.code, 2);
            assert.equal(r.stdout, "");
            assert.match(
                r.stderr,
                /^check: .*bad-kustomization\/kustomization\.yaml: malformed YAML at line 3, column \d+: /,
            );
        });

        it("exits 2 on a folder with nothing but charts, saying what was skipped", async () => {
            const r = await check(`${REPO}/charts`);
            assert.equal(r.code, 2);
            assert.match(
                r.stderr,
                /charts: no resources found .*; skipped 4 files that are not Kubernetes objects \(test\/fixtures\/check\/repo\/charts\/edge-gateway\/Chart\.yaml: Helm chart metadata/,
            );
        });
    });

    describe("stack export and preview", () => {
        it("rejects the ALB -> listener -> target group -> TargetGroupBinding chain of an export", async () => {
            const r = await check(f("export-alb-chain.json"));
            assert.equal(r.code, 1);
            assert.match(
                r.stdout,
                /resource: urn:pulumi:legacy::shop::aws:lb\/loadBalancer:LoadBalancer::web-alb/,
            );
            for (const hop of [
                'aws:lb/listener:Listener "web-https"',
                'aws:lb/targetGroup:TargetGroup "gateway-https"',
                'kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding "gateway-https"',
            ]) {
                assert.ok(r.stdout.includes(`-> ${hop}`), `missing hop ${hop}`);
            }
        });

        it("skips a replaced resource's old copy pending deletion (delete: true), as the engine does", async () => {
            const doc = JSON.parse(fs.readFileSync(f("export-alb-chain.json"), "utf8"));
            const alb = doc.deployment.resources.find(
                (x: any) => x.type === "aws:lb/loadBalancer:LoadBalancer",
            );
            doc.deployment.resources.push({ ...alb, delete: true, outputs: { loadBalancerType: "network" } });
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-export-"));
            try {
                fs.writeFileSync(path.join(dir, "export.json"), JSON.stringify(doc));
                const r = await check("--format", "json", path.join(dir, "export.json"));
                assert.equal(r.code, 1);
                assert.equal(JSON.parse(r.stdout).resources, 6);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("keeps the preview's unknown marker unknown, and the chain is still mandatory", async () => {
            const preview = JSON.parse(fs.readFileSync(f("preview-unknown-arns.json"), "utf8"));
            const listener = preview.steps.find((s: any) => s.newState?.type === "aws:lb/listener:Listener");
            assert.equal(listener.newState.inputs.loadBalancerArn, UNKNOWN, "fixture: the ARNs are unknown");
            const r = await check("--format", "json", f("preview-unknown-arns.json"));
            assert.equal(r.code, 1);
            assert.equal(mandatory(r).length, 1);
            assert.ok(!r.stdout.includes("can't run policy"), "no policy gave up on an unknown value");
        });
    });

    describe("--config", () => {
        it("disabling the ALB policy turns the exit code to 0", async () => {
            const r = await check(
                "--config",
                f("config/alb-policy-disabled.json"),
                f("export-alb-chain.json"),
            );
            assert.equal(r.code, 0);
            assert.ok(!r.stdout.includes(ALB_POLICY));
        });

        it("an advisory level still reports the chain, without failing", async () => {
            const r = await check(
                "--format=json",
                "--config",
                f("config/alb-policy-advisory.json"),
                f("split"),
            );
            assert.equal(r.code, 0);
            const report = JSON.parse(r.stdout) as JsonReport;
            assert.deepEqual(
                report.violations.map((v) => [v.policy, v.enforcementLevel]),
                [[ALB_POLICY, "advisory"]],
            );
        });
    });

    it("--help prints the usage and exits 0", async () => {
        const r = await check("--help");
        assert.equal(r.code, 0);
        assert.match(
            r.stdout,
            /^usage: npm run --silent check -- \[--format text\|json\] \[--config FILE\] PATH\.\.\./,
        );
    });

    describe("large multi-document YAML", () => {
        let tmp: string;
        before(() => {
            tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-docs-"));
        });
        after(() => fs.rmSync(tmp, { recursive: true, force: true }));
        /** `count` ConfigMaps of 6 lines each after a `---`, the one at `broken` (1-based) with no name. */
        const stream = (count: number, broken?: number, malformed?: number) => {
            const docs: string[] = [];
            for (let i = 1; i <= count; i++) {
                const name = i === broken ? "labels: {}" : `name: cm-${i}`;
                const data = i === malformed ? "data: [unclosed" : "data: {k: v}";
                docs.push(
                    `---\n# document ${i}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  ${name}\n${data}\n`,
                );
            }
            return docs.join("");
        };
        it("reads 3,000 documents and names the line of the one that is wrong, counted exactly", async () => {
            const file = path.join(tmp, "stream.yaml");
            fs.writeFileSync(file, stream(3000));
            const ok = await check("--format", "json", file);
            assert.equal(ok.code, 0, ok.stderr);
            assert.equal((JSON.parse(ok.stdout) as JsonReport).resources, 3000);
            // Document n starts on line 7(n-1)+1 (its `---`); the last one read is as exact as the first.
            for (const n of [1, 2, 2999]) {
                fs.writeFileSync(file, stream(3000, n));
                const r = await check(file);
                assert.equal(r.code, 2);
                assert.match(
                    r.stderr,
                    new RegExp(
                        `stream\\.yaml: document ${n} \\(line ${7 * (n - 1) + 1}\\): ConfigMap has no metadata\\.name`,
                    ),
                );
            }
            fs.writeFileSync(file, stream(3000, undefined, 2998));
            const bad = await check(file);
            assert.equal(bad.code, 2);
            // The unclosed `[` on document 2998's last line is found where the next document starts.
            assert.match(
                bad.stderr,
                new RegExp(`stream\\.yaml: malformed YAML at line ${7 * 2998 + 1}, column 1: `),
            );
        });
    });

    describe("bad usage and bad input: exit 2, the file named, nothing on stdout", () => {
        let tmp: string;
        before(() => {
            tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-test-"));
        });
        after(() => fs.rmSync(tmp, { recursive: true, force: true }));
        const write = (name: string, content: unknown) => {
            const file = path.join(tmp, name);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
            return file;
        };
        const exportWith = (mutate: (resources: any[]) => void) => {
            const doc = JSON.parse(fs.readFileSync(f("export-alb-chain.json"), "utf8"));
            mutate(doc.deployment.resources);
            return doc;
        };

        const cases: [string, () => string[], RegExp][] = [
            ["empty file", () => [f("bad/empty.yaml")], /bad\/empty\.yaml: empty file/],
            ["only comments", () => [f("bad/comments-only.yaml")], /bad\/comments-only\.yaml: empty file/],
            [
                "malformed JSON",
                () => [f("bad/malformed.json")],
                /bad\/malformed\.json: malformed JSON at line 6, column 5/,
            ],
            [
                "a document that is not an object",
                () => [f("bad/scalar-document.yaml")],
                /bad\/scalar-document\.yaml: document 2 \(line 7\): expected a Kubernetes object \(a mapping\), found a string/,
            ],
            [
                "manifest without metadata.name",
                () => [f("bad/missing-name.yaml")],
                /bad\/missing-name\.yaml: Ingress has no metadata\.name/,
            ],
            [
                "manifest without kind",
                () => [f("bad/missing-kind.yaml")],
                /bad\/missing-kind\.yaml: Kubernetes object has no kind/,
            ],
            [
                "manifest without apiVersion",
                () => [write("no-api.yaml", "kind: Service\nmetadata:\n  name: web\n")],
                /no-api\.yaml: Kubernetes object has no apiVersion/,
            ],
            [
                "unknown JSON shape",
                () => [f("bad/unknown-shape.json")],
                /bad\/unknown-shape\.json: unknown JSON shape \(keys: name, runtime, description\)/,
            ],
            [
                "a JSON array",
                () => [write("array.json", "[1, 2]")],
                /array\.json: unknown JSON shape: the file holds an array/,
            ],
            [
                "export without deployment.resources",
                () => [f("bad/truncated-export.json")],
                /bad\/truncated-export\.json: truncated stack export: deployment\.resources is missing/,
            ],
            [
                "export resource without type",
                () => [f("bad/export-resource-without-type.json")],
                /export-resource-without-type\.json: deployment\.resources\[1\] \(urn:pulumi:dev::shop::aws:lb\/loadBalancer:LoadBalancer::web-alb\): no type/,
            ],
            [
                "export resource without urn",
                () => [
                    write(
                        "no-urn.json",
                        exportWith((rs) => delete rs[4].urn),
                    ),
                ],
                /no-urn\.json: deployment\.resources\[4\]: no urn/,
            ],
            [
                "export cut short (a dependency is missing)",
                () => [
                    write(
                        "cut.json",
                        exportWith((rs) => rs.splice(5, 1)),
                    ),
                ],
                /cut\.json: truncated stack export: .*Listener::web-https has dependencies .*TargetGroup::gateway-https, which is not in the file/,
            ],
            [
                "preview step without newState",
                () => {
                    const doc = JSON.parse(fs.readFileSync(f("preview-unknown-arns.json"), "utf8"));
                    delete doc.steps[4].newState;
                    return [write("preview-cut.json", doc)];
                },
                /preview-cut\.json: truncated preview: steps\[4\] \(op "create", .*\) has no newState/,
            ],
            [
                "the same object in two files",
                () => [
                    f("manifests/alb-ingress-to-gateway.yaml"),
                    write("copy.yaml", fs.readFileSync(f("manifests/alb-ingress-to-gateway.yaml"), "utf8")),
                ],
                /copy\.yaml: Service\/istio-ingress\/istio-ingressgateway is defined more than once/,
            ],
            [
                "unreadable path",
                () => [f("does-not-exist.yaml")],
                /check\/does-not-exist\.yaml: cannot read: no such file or directory/,
            ],
            [
                "a directory without inputs",
                () => {
                    fs.mkdirSync(path.join(tmp, "nothing"));
                    return [path.join(tmp, "nothing")];
                },
                /nothing: directory holds no \.yaml, \.yml, \.json files/,
            ],
            [
                "unknown flag",
                () => ["--fromat", "json", f("split")],
                /^check: --fromat: unknown flag; allowed: --format, --config, --help\nusage:/,
            ],
            [
                "missing PATH",
                () => ["--format", "json"],
                /^check: PATH: missing; give at least one file or directory\nusage:/,
            ],
            [
                "bad --format",
                () => ["--format", "yaml", f("split")],
                /^check: --format: "yaml" is not allowed; use one of text, json/,
            ],
            ["--config without a value", () => ["--config"], /^check: --config: needs a value/],
            [
                "--config file that does not exist",
                () => ["--config", f("config/nope.json"), f("split")],
                /config\/nope\.json: cannot read policy config: no such file or directory/,
            ],
            [
                "--config with an invalid level",
                () => ["--config", f("config/bad-level.json"), f("split")],
                /config\/bad-level\.json: "all": enforcement level "loud" is not allowed; expected one of advisory, mandatory, remediate, disabled/,
            ],
            [
                "--config naming an unknown policy",
                () => [
                    "--config",
                    write("typo.json", { "no-alb-in-front-of-istio-gateways": "disabled" }),
                    f("split"),
                ],
                /typo\.json: "no-alb-in-front-of-istio-gateways": unknown policy/,
            ],
        ];
        for (const [what, argv, message] of cases) {
            it(what, async () => {
                const r = await check(...argv());
                assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
                assert.equal(r.stdout, "");
                assert.match(r.stderr, message);
                assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
            });
        }
    });
});
