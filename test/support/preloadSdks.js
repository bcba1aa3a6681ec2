// Loaded by mocha before tsx's hook (.mocharc.js): the four Pulumi SDKs are plain CommonJS, which
// the hook has nothing to do for, but under it every one of their ~1,200 modules went through tsx's
// resolver and had its source map read and parsed (tsx turns source maps on), and the SDK's frames
// in the many stacks it captures were mapped back. Loaded first, the test process spent about 3 s
// less CPU (of 12). Stack traces still map our TypeScript; SDK frames show the SDK's JavaScript.
"use strict";
require("@pulumi/pulumi");
require("@pulumi/aws");
require("@pulumi/kubernetes");
require("@pulumi/eks");
