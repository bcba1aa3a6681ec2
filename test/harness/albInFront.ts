// A user program that fronts the platform's gateway with an ALB (the anti-pattern the pack rejects):
// ALB -> HTTPS listener -> IP target group -> TargetGroupBinding on the exported gateway Service.
// Passed as `recordStack(..., { extend: albInFront })`; every resource it adds is named `front-*`.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";

/** Adds the ALB chain in front of the gateway Service the program exports. */
export function albInFront(exp: Record<string, any>): void {
    const alb = new aws.lb.LoadBalancer("front-alb", { subnets: ["subnet-a", "subnet-b"] });
    const tg = new aws.lb.TargetGroup("front-tg", {
        port: 80,
        protocol: "HTTP",
        targetType: "ip",
        vpcId: "vpc-1",
    });
    new aws.lb.Listener("front-https", {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
    });
    new k8s.apiextensions.CustomResource("front-tgb", {
        apiVersion: "elbv2.k8s.aws/v1beta1",
        kind: "TargetGroupBinding",
        metadata: { name: "front-tgb", namespace: exp.gatewayNamespace },
        spec: {
            serviceRef: { name: exp.gatewayServiceName, port: 80 },
            targetGroupARN: tg.arn,
            targetType: "ip",
        },
    });
}
