// Preloaded (node --require) into a child process to prove that code under test never uses the
// network: every TCP/UDP connection, DNS lookup and fetch throws, in the main thread and in worker
// threads (Node runs --require preloads in each worker). Unix-domain sockets and pipes stay allowed.
"use strict";

const dgram = require("node:dgram");
const dns = require("node:dns");
const net = require("node:net");

function blockAttempt(description) {
  const error = new Error(`network access blocked in this test: ${description}`);
  process.stderr.write(`NETWORK ATTEMPT: ${description}\n`);
  throw error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // Node calls this with the parsed arguments ([options, callback]) as well as with the originals.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const isPipe = (typeof first === "object" && first !== null && typeof first.path === "string") || typeof first === "string";
  if (!isPipe) blockAttempt(`net connect ${JSON.stringify(first)}`);
  return connect.apply(this, args);
};
dns.lookup = () => blockAttempt("dns.lookup");
dns.promises.lookup = async () => blockAttempt("dns.promises.lookup");
dgram.createSocket = () => blockAttempt("dgram.createSocket");
globalThis.fetch = async (input) => blockAttempt(`fetch ${String(input)}`);
