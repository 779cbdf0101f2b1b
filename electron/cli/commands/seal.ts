import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LedgerdeskError } from '../../core/errors';
import { importSeal, sealInfo, summarizeSeal, TRIAL_SEAL_VALID_DAYS, type SealSummary } from '../../core/exports/workspace-seal';
import { createSelfSignedSeal } from '../../core/seal/certificate';
import { stringOption, type CommandDefinition } from '../command';

function sealJson(summary: SealSummary): Record<string, unknown> {
  return {
    subject: summary.subject,
    issuer: summary.issuer,
    not_before: summary.notBefore,
    not_after: summary.notAfter,
    fingerprint_sha256: summary.fingerprintSha256,
    self_signed: summary.selfSigned,
    usable_now: summary.usableNow,
  };
}

function passwordFrom(env: NodeJS.ProcessEnv, variable: string | undefined, usage: string): string {
  if (!variable) throw new LedgerdeskError('usage', usage);
  const password = env[variable];
  if (!password) throw new LedgerdeskError('usage', `environment variable ${variable} holds no seal password`);
  return password;
}

export const sealCreateCommand: CommandDefinition = {
  words: ['seal', 'create'],
  usage: 'seal create --name NAME --out FILE.p12 --pass-env VAR [--valid-days N]',
  summary: 'self-signed seal certificate for trials (PKCS#12 file; no workspace needed)',
  options: { name: { type: 'string' }, out: { type: 'string' }, 'pass-env': { type: 'string' }, 'valid-days': { type: 'string' } },
  async run(context, args) {
    const usage = `usage: ledgerdesk ${sealCreateCommand.usage}`;
    const name = stringOption(args, 'name')?.trim();
    const out = stringOption(args, 'out');
    if (!name || !out || args.positionals.length > 0) throw new LedgerdeskError('usage', usage);
    const password = passwordFrom(context.env, stringOption(args, 'pass-env'), usage);
    const validDaysText = stringOption(args, 'valid-days') ?? String(TRIAL_SEAL_VALID_DAYS);
    if (!/^[1-9]\d{0,4}$/.test(validDaysText)) throw new LedgerdeskError('usage', `--valid-days must be a whole number of days, got "${validDaysText}"`);
    if (existsSync(out)) throw new LedgerdeskError('conflict', `${out} exists; a seal file is never overwritten`);
    const now = context.clock.now();
    const created = createSelfSignedSeal({ companyName: name, validDays: Number(validDaysText), password, now });
    await writeFile(out, created.p12, { flag: 'wx', mode: 0o600 });
    context.say(`Seal for ${created.info.subject} written to ${resolve(out)}, valid until ${created.info.notAfter.toISOString()}.`);
    return { file: resolve(out), subject: created.info.subject, not_after: created.info.notAfter.toISOString(), ...sealJson(summarizeSeal(created.info, now)) };
  },
};

export const sealImportCommand: CommandDefinition = {
  words: ['seal', 'import'],
  usage: 'seal import FILE.p12 --pass-env VAR',
  summary: 'store a .p12/.pfx seal in the workspace (encrypted) for audit exports',
  options: { 'pass-env': { type: 'string' } },
  async run(context, args) {
    const usage = `usage: ledgerdesk ${sealImportCommand.usage}`;
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new LedgerdeskError('usage', usage);
    const password = passwordFrom(context.env, stringOption(args, 'pass-env'), usage);
    const p12 = await readFile(file).catch(() => {
      throw new LedgerdeskError('not_found', `cannot read the seal file ${file}`);
    });
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      const summary = importSeal(workspace, p12, password, actor);
      context.say(`Imported the seal of ${summary.subject} (issued by ${summary.issuer}, valid ${summary.notBefore} .. ${summary.notAfter}).`);
      return sealJson(summary);
    } finally {
      workspace.close();
    }
  },
};

export const sealInfoCommand: CommandDefinition = {
  words: ['seal', 'info'],
  usage: 'seal info',
  summary: "the workspace seal's subject, issuer and validity",
  async run(context) {
    const workspace = await context.openWorkspace();
    try {
      const summary = sealInfo(workspace);
      if (!summary) throw new LedgerdeskError('not_found', 'the workspace has no seal: ledgerdesk seal import FILE.p12 --pass-env VAR');
      context.say(`${summary.subject} (issued by ${summary.issuer}), valid ${summary.notBefore} .. ${summary.notAfter}${summary.usableNow ? '' : ' - NOT usable now'}`);
      return sealJson(summary);
    } finally {
      workspace.close();
    }
  },
};
