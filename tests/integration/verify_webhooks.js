// Checks webhook signatures with the Standard Webhooks scheme's reference library.
// usage: node verify_webhooks.js NODE_PREFIX SECRET REQUESTS.json
// REQUESTS.json is [{"headers": {...}, "body": "..."}]; prints "verified N" and exits 0 when every
// request carries a signature the secret makes, else prints why and exits 1.
const fs = require("fs");
const path = require("path");
const { Webhook } = require(path.join(process.argv[2], "node_modules", "standardwebhooks"));

const webhook = new Webhook(process.argv[3]);
const requests = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
let verified = 0;
for (const request of requests) {
  try {
    webhook.verify(request.body, request.headers);
    verified += 1;
  } catch (error) {
    console.log(`${request.headers["webhook-id"]}: ${error.message}`);
    process.exit(1);
  }
}
console.log(`verified ${verified}`);
