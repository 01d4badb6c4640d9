import { startS3Server } from '../test/support/s3-server.ts';

// `node --import tsx bench/s3-server.ts <directory>`: s3rver on a free loopback port, in its own
// process so it does not share a CPU with the benchmark client. Prints {"port": n} when listening.
const directory = process.argv[2];
if (!directory) throw new Error('usage: s3-server.ts <directory>');
const server = await startS3Server(directory);
console.log(JSON.stringify({ port: server.port }));
process.on('SIGTERM', () => {
  server.close().then(() => process.exit(0), () => process.exit(1));
});
