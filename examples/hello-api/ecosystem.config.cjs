// pm2 process file for the example; opsctl.yaml describes the same app.
module.exports = {
  apps: [
    {
      name: 'hello-api',
      script: 'server.mjs',
      cwd: __dirname,
      instances: 2,
      exec_mode: 'cluster',
      env: { PORT: '8080', APP_VERSION: '1.0.0' },
    },
  ],
};
