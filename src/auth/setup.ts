import { ParamsError, type FieldError } from '../commands/params.ts';
import { ConflictError } from '../domain/errors.ts';
import type { SiteSettings, SiteSettingsService } from '../domain/site-settings.ts';
import { newSetupCode, normalizeSetupCode, sameSecret } from './secrets.ts';
import { newUserProblems, type User, type UserService } from './users.ts';

export interface SetupInput {
  setupCode: unknown;
  username: unknown;
  password: unknown;
  siteName: unknown;
  gridLimitA: unknown;
  acceptUnknownStations: unknown;
}

export class WrongSetupCodeError extends Error {
  constructor() {
    super('the setup code is not right; it is printed on the appliance console');
    this.name = 'WrongSetupCodeError';
  }
}

/**
 * First run: while there are no users, a one-time setup code (printed on the console, never logged) lets
 * whoever can read the console create the first admin. It stops working once any user exists, however
 * that user was created (also by `ampyard users add` on a running appliance).
 */
export class FirstRunSetup {
  private readonly users: UserService;
  private readonly siteSettings: SiteSettingsService;
  private code: string | undefined;

  constructor(users: UserService, siteSettings: SiteSettingsService) {
    this.users = users;
    this.siteSettings = siteSettings;
  }

  needed(): boolean {
    return this.users.count() === 0;
  }

  /** The code to print, while setup is needed. */
  currentCode(): string | undefined {
    if (!this.needed()) {
      this.code = undefined;
      return undefined;
    }
    this.code ??= newSetupCode();
    return this.code;
  }

  /** Checks everything, then creates the admin and saves the site settings. */
  async complete(input: SetupInput): Promise<{ user: User; settings: SiteSettings }> {
    if (!this.needed()) throw new ConflictError('the appliance is already set up; sign in instead');
    const code = this.currentCode();
    if (typeof input.setupCode !== 'string' || !code || !sameSecret(normalizeSetupCode(input.setupCode), code)) throw new WrongSetupCodeError();
    const fields: FieldError[] = newUserProblems({ username: input.username, password: input.password, role: 'admin' });
    const siteName = typeof input.siteName === 'string' ? input.siteName.trim() : '';
    if (siteName === '' || siteName.length > 100) fields.push({ field: 'siteName', message: 'must be 1-100 characters' });
    const gridLimitA = input.gridLimitA;
    if (typeof gridLimitA !== 'number' || !Number.isFinite(gridLimitA) || gridLimitA <= 0 || gridLimitA > 100_000) {
      fields.push({ field: 'gridLimitA', message: 'must be a number of amperes above 0 and up to 100000' });
    }
    if (typeof input.acceptUnknownStations !== 'boolean') fields.push({ field: 'acceptUnknownStations', message: 'must be true or false' });
    if (fields.length) throw new ParamsError(fields);
    const user = await this.users.create({ username: input.username, password: input.password, role: 'admin' }, { onlyIfNoUsers: true });
    this.code = undefined;
    const settings = await this.siteSettings.update({ siteName, gridLimitA: gridLimitA as number, acceptUnknownStations: input.acceptUnknownStations as boolean });
    return { user, settings };
  }
}
