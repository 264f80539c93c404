import { parseVariableKey, type VariableRef } from '../domain/device-model.ts';

/**
 * Station settings that decide how a station proves who it is and how it connects: its password, security
 * profile, certificate handling, network profile order. Only admins may change them (issue #7); the generic
 * configuration commands refuse them for other roles, and the dedicated security commands are admin-only.
 */
const V16_SECURITY_KEYS = new Set(
  ['AuthorizationKey', 'SecurityProfile', 'AdditionalRootCertificateCheck', 'CertificateSignedMaxChainSize', 'CertificateStoreMaxLength', 'CpoName'].map((k) => k.toLowerCase()),
);

/** 2.x: the whole SecurityCtrlr, and which network profile the station uses. */
export function isSecurityVariable(ref: Pick<VariableRef, 'component' | 'variable'>): boolean {
  const component = ref.component.toLowerCase();
  const variable = ref.variable.toLowerCase();
  return component === 'securityctrlr' || (component === 'ocppcommctrlr' && variable === 'networkconfigurationpriority');
}

/** A changeConfiguration key: a 1.6 key, or a 2.x variable as `Component/Variable`. */
export function isSecurityKey(key: string): boolean {
  if (V16_SECURITY_KEYS.has(key.trim().toLowerCase())) return true;
  const ref = parseVariableKey(key.trim());
  return ref !== undefined && isSecurityVariable(ref);
}

export function securitySettingsMessage(names: string[]): string {
  return `changing station security settings (${names.join(', ')}) needs the admin role; use the station’s security page or ask an admin`;
}
