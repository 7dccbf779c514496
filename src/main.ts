#!/usr/bin/env node
import { ConfigError } from './config/load.js';
import { serve, serveUsage } from './cli/serve.js';
import { printSyncWebhookSecret, syncWebhookSecretUsage } from './cli/sync-webhook-secret.js';
import { thumbprint, thumbprintUsage } from './cli/thumbprint.js';

const usage =
  'Usage: cognate <command>\n\nCommands:\n' +
  '  serve                 run the server (all surfaces on one port)\n' +
  "  thumbprint            print an HTTPS server's IAM thumbprint\n" +
  '  sync-webhook-secret   print the secret Cognito Sync webhook receivers verify signatures with\n\n' +
  `${serveUsage}\n\n${thumbprintUsage}\n\n${syncWebhookSecretUsage}\n`;

const commandUsage: Record<string, string> = { serve: serveUsage, thumbprint: thumbprintUsage, 'sync-webhook-secret': syncWebhookSecretUsage };

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage);
    return;
  }
  if (rest.includes('--help')) {
    process.stdout.write(`${commandUsage[command] ?? serveUsage}\n`);
    return;
  }
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'thumbprint':
      return thumbprint(rest);
    case 'sync-webhook-secret':
      return printSyncWebhookSecret(rest);
    default:
      process.stderr.write(`unknown command: ${command}\n\n${usage}`);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`cognate: ${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
