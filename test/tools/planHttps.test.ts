// `npm run plan` with the hostname keys (issue 11): `tls: none` set explicitly plans byte for byte
// what the stack plans by default; with a hostname and Let's Encrypt the plan shows the DNS record,
// the NLB passing TLS through, the certificate and the Gateway where TLS ends; the HTTPS
// diagram of docs/https.md is that plan's Mermaid output.
import { strict as assert } from "assert";
import { main as plan, PlanReport, renderText } from "../../tools/plan";
import { assertReadmeMermaid } from "../docs/readmeBlock";
import { runInProcess } from "./run";

/** The four keys as the dev flow of docs/https.md sets them. */
export const HTTPS_FLAGS = [
    "-c",
    "hostname=app.example.com",
    "-c",
    "hostedZoneId=Z0123456789ABCDEFGHIJ",
    "-c",
    "tls=letsencryptStaging",
    "-c",
    "acmeEmail=ops@example.com",
];

describe("npm run plan: hostname and TLS", function () {
    this.timeout(60000);
    let https: PlanReport;
    before(async () => {
        const r = await runInProcess(plan, ["--stack", "dev", "--format", "json", ...HTTPS_FLAGS]);
        assert.equal(r.code, 0, r.stderr);
        https = JSON.parse(r.stdout);
    });

    it("tls none, set explicitly with empty hostname keys, plans byte-identical to the default", async () => {
        const byDefault = await runInProcess(plan, ["--stack", "dev"]);
        const explicit = await runInProcess(plan, [
            "--stack",
            "dev",
            ...["-c", "tls=none", "-c", "hostname=", "-c", "hostedZoneId=", "-c", "acmeEmail="],
        ]);
        assert.equal(byDefault.code, 0, byDefault.stderr);
        assert.equal(explicit.code, 0, explicit.stderr);
        assert.ok(explicit.stdout === byDefault.stdout, "plan output differs from the default");
        assert.ok(!/TLS|DNS|cert-manager/.test(byDefault.stdout), "the default plan has no hostname pieces");
    });

    it("shows the alias record in front of the NLB, TLS passing through 443 and ending at the Istio Gateway", () => {
        assert.deepEqual(https.path.dns, [
            {
                name: "app.example.com",
                type: "A",
                zoneId: "Z0123456789ABCDEFGHIJ",
                target: https.path.loadBalancers[0].name,
                evaluateTargetHealth: true,
            },
        ]);
        assert.deepEqual(https.path.tls, [
            {
                gateway: "Gateway istio-ingress/ingress",
                server: "HTTPS:443 app.example.com",
                secret: "istio-ingress/ingress-tls",
                certificate: {
                    name: "istio-ingress/ingress-tls",
                    dnsNames: ["app.example.com"],
                    issuer: "ClusterIssuer letsencrypt-staging (ACME acme-staging-v02.api.letsencrypt.org, DNS-01 in Route 53 zone Z0123456789ABCDEFGHIJ)",
                },
            },
        ]);
        const text = renderText(https);
        assert.match(
            text,
            /\n {2}Client\n {2}-> DNS app\.example\.com \(Route 53 alias A in zone Z0123456789ABCDEFGHIJ, evaluate target health\) -> istio-eks-nlb-nlb-lb\n {2}-> NLB /,
        );
        assert.match(text, /-> listener TCP:443 \([^)]+\) \[TLS passes through\]\n/);
        assert.match(text, /-> listener TCP:80 \([^)]+\)\n/, "port 80 is not marked");
        assert.match(
            text,
            /-> Gateway istio-ingress\/ingress \(HTTP:80 app\.example\.com -> https; HTTPS:443 app\.example\.com \(TLS SIMPLE\)\)\n\s+-> VirtualService sample\/hello: app\.example\.com -> /,
        );
        assert.match(
            text,
            /TLS ends at the Istio gateway \(the load balancer holds no certificate\):\n {4}HTTPS:443 app\.example\.com on Gateway istio-ingress\/ingress: secret istio-ingress\/ingress-tls <- Certificate istio-ingress\/ingress-tls for app\.example\.com from ClusterIssuer letsencrypt-staging/,
        );
        assert.match(text, /\n {2}url: https:\/\/app\.example\.com\n/);
        assert.deepEqual(
            https.violations.filter((v) => v.policy === "istio-gateway-nlb-tls-passthrough"),
            [],
        );
    });

    it("docs/https.md's diagram (block plan:dev-https:mermaid) is that plan's --format mermaid", () => {
        assertReadmeMermaid(
            "plan:dev-https:mermaid",
            https.mermaid,
            `npm run --silent plan -- --stack dev ${HTTPS_FLAGS.join(" ")} --format mermaid`,
        );
        assert.match(https.mermaid, /client --> dns0_0\n {4}dns0_0 --> lb0\n/);
        assert.match(https.mermaid, /\["listener TCP:443<br\/>TLS passes through"\]/);
        assert.match(https.mermaid, /tls0 -\.->\|"secret istio-ingress\/ingress-tls"\| igw0/);
    });

    it("--config takes key=value only, and an undeclared key is the program's config error", async () => {
        const bad = await runInProcess(plan, ["-c", "hostname"]);
        assert.equal(bad.code, 2);
        assert.match(
            bad.stderr,
            /^plan: --config: "hostname" is not key=value; use e\.g\. --config hostname=app\.example\.com\n/,
        );
        const typo = await runInProcess(plan, ["-c", "hostName=app.example.com"]);
        assert.equal(typo.code, 2);
        assert.match(typo.stderr, /^plan: stack "dev": .*"istio-eks-nlb:hostName".*hostname/);
        const mode = await runInProcess(plan, ["-c", "tls=letsencrypt", "-c", "hostname=app.example.com"]);
        assert.equal(mode.code, 2);
        assert.match(
            mode.stderr,
            /^plan: stack "dev": Invalid config "istio-eks-nlb:acmeEmail": "" must be set/,
        );
    });
});
