// A tiny service with the health endpoints the ops manuals probe: /api/health, /api/live, /api/ready.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const started = Date.now();
const version = process.env.APP_VERSION ?? '1.0.0';

const routes = {
  '/api/health': () => [200, { status: 'healthy', version, uptime: (Date.now() - started) / 1000 }],
  '/api/live': () => [200, { status: 'alive' }],
  '/api/ready': () => [200, { status: 'ready' }],
};

const server = http.createServer((req, res) => {
  const route = routes[new URL(req.url ?? '/', 'http://localhost').pathname];
  const [status, body] = route ? route() : [404, { error: 'not found' }];
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
});

server.listen(port, () => console.log(JSON.stringify({ level: 30, time: Date.now(), msg: `hello-api listening on ${port}` })));
// pm2's graceful stop: on SIGINT finish what is in flight, then exit. The short wait lets a connection the
// cluster primary was already handing to this worker arrive and be answered: a reload loses no request.
process.on('SIGINT', () => server.close(() => setTimeout(() => process.exit(0), 300)));
