import type { DeviceVariable, VariableRef } from '../../domain/device-model.ts';
import type { HandlerTable } from '../dispatcher.ts';
import { int, list, num, obj, text } from '../payload.ts';

const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

/** A ComponentType + VariableType pair → neutral reference. */
export function refFrom(component: Record<string, unknown>, variable: Record<string, unknown>, attributeType?: unknown): VariableRef {
  const evse = obj(component['evse']);
  return {
    component: text(component['name']) ?? '',
    componentInstance: text(component['instance']),
    evseId: int(evse['id']),
    connectorId: int(evse['connectorId']),
    variable: text(variable['name']) ?? '',
    variableInstance: text(variable['instance']),
    attributeType: text(attributeType) ?? 'Actual',
  };
}

export const v2DeviceModel: HandlerTable = {
  async NotifyReport(ctx, p) {
    const entries: Array<{ ref: VariableRef; fields: Partial<DeviceVariable> }> = [];
    for (const item of list(p['reportData'])) {
      const characteristics = obj(item['variableCharacteristics']);
      const shared: Partial<DeviceVariable> = {
        dataType: text(characteristics['dataType']),
        unit: text(characteristics['unit']),
        minLimit: num(characteristics['minLimit']),
        maxLimit: num(characteristics['maxLimit']),
        valuesList: text(characteristics['valuesList']),
        supportsMonitoring: bool(characteristics['supportsMonitoring']),
      };
      for (const attribute of list(item['variableAttribute'])) {
        entries.push({
          ref: refFrom(obj(item['component']), obj(item['variable']), attribute['type']),
          fields: { ...shared, value: text(attribute['value']), mutability: text(attribute['mutability']) ?? 'ReadWrite', persistent: bool(attribute['persistent']), constant: bool(attribute['constant']) },
        });
      }
    }
    await ctx.services.deviceModel.reportPart(ctx.stationId, p['requestId'] as number, p['seqNo'] as number, p['tbc'] !== true, entries);
    return {};
  },
};
