/**
 * Response schemas of what OCPP 2.x stations report for smart charging: limits set on them from outside
 * Ampyard, the profiles they hold (GetChargingProfiles / ReportChargingProfiles) and what ISO 15118 EVs need
 * and plan (src/domain/charging-profile-reports.ts, src/domain/ev-charging.ts).
 */
import { nullableBoolean, nullableInteger, nullableNumber, nullableText, nullableTime, record, text, time } from './schema-parts.ts';

export const reportedSchedule = record('A charging schedule as a station reported it', {
  id: nullableInteger,
  unit: { enum: ['A', 'W'] },
  startSchedule: nullableTime,
  duration: nullableInteger,
  minRate: nullableNumber,
  periods: {
    type: 'array',
    items: record('A period', { startSeconds: { type: 'integer' }, limit: nullableNumber, phases: nullableInteger, phaseToUse: nullableInteger }),
  },
});

const chargingLimit = record('A limit set on a station from outside Ampyard (OCPP 2.x NotifyChargingLimit)', {
  stationId: text,
  evseId: { type: 'integer', description: '0: the whole station' },
  source: { type: 'string', description: 'EMS, Other, SO, CSO, …' },
  gridCritical: nullableBoolean,
  localGeneration: nullableBoolean,
  schedules: { type: 'array', items: reportedSchedule, description: 'Empty: the station said a limit applies but not what it is' },
  reportedAt: time,
});

const reportedChargingProfile = record('A charging profile as the station reported holding it', {
  evseId: { type: 'integer', description: '0: the whole station' },
  source: { type: 'string', description: 'Who set it: CSO (a CSMS such as Ampyard), EMS, SO, Other (2.1: any name)' },
  id: { type: 'integer' },
  stackLevel: { type: 'integer' },
  purpose: text,
  kind: text,
  recurrency: { enum: ['daily', 'weekly', null] },
  validFrom: nullableTime,
  validTo: nullableTime,
  stationTxId: { ...nullableText, description: "The station's transaction id (transaction profiles)" },
  transactionId: { ...nullableInteger, description: "Ampyard's id of that transaction, when it knows it" },
  schedules: { type: 'array', items: reportedSchedule },
});

const chargingProfileReport = record('One GetChargingProfiles request and every profile reported for it', {
  stationId: text,
  requestId: { type: 'integer' },
  criteria: { type: 'object', description: 'What was asked for, as sent (`unsolicited: true`: a report Ampyard did not ask for)' },
  status: { ...nullableText, description: "The station's answer: accepted (reports follow) or noprofiles; null while unanswered" },
  requestedAt: time,
  partsReceived: { type: 'integer', minimum: 0 },
  completedAt: nullableTime,
  complete: { type: 'boolean' },
  profiles: { type: 'array', items: reportedChargingProfile },
});

const evChargingNeeds = record('What an EV asked for over ISO 15118 (NotifyEVChargingNeeds); what it did not give is null', {
  stationId: text,
  evseId: { type: 'integer' },
  transactionId: { ...nullableInteger, description: 'The session running on the EVSE when the needs arrived' },
  requestedEnergyTransfer: { type: 'string', description: 'AC_single_phase, AC_two_phase, AC_three_phase, DC (2.1 adds bidirectional modes)' },
  departureTime: nullableTime,
  energyAmountWh: nullableNumber,
  evMinCurrentA: nullableNumber,
  evMaxCurrentA: nullableNumber,
  evMaxVoltageV: nullableNumber,
  evMaxPowerW: nullableNumber,
  stateOfCharge: nullableNumber,
  evEnergyCapacityWh: nullableNumber,
  maxScheduleTuples: { ...nullableInteger, description: 'How many schedule periods the EV can take' },
  chargingNeeds: { type: 'object', description: "The station's ChargingNeedsType as received" },
  reportedAt: time,
});

const evChargingSchedule = record('The schedule an EV chose within the limits it was given (NotifyEVChargingSchedule)', {
  stationId: text,
  evseId: { type: 'integer' },
  transactionId: nullableInteger,
  timeBase: time,
  schedule: reportedSchedule,
  selectedChargingScheduleId: { ...nullableInteger, description: 'OCPP 2.1: which offered schedule the EV chose' },
  powerToleranceAcceptance: { ...nullableBoolean, description: 'OCPP 2.1' },
  reportedAt: time,
});

export const smartChargingSchemas = { ChargingLimit: chargingLimit, ChargingProfileReport: chargingProfileReport, EvChargingNeeds: evChargingNeeds, EvChargingSchedule: evChargingSchedule };
