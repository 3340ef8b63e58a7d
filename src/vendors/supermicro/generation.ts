/**
 * Supermicro board generation (X11, X12, X13; H11-H13 for AMD boards) where the service names the
 * baseboard: bmclib reads ComputerSystem.Model and expects a board part number there ("X11DPH-T",
 * "X12STH-SYS"; providers/supermicro/supermicro.go bmcQueryor, x12.go biosFwInstallParams). A
 * system that reports its product name instead ("SYS-510T-MR") does not tell the generation, and
 * neither does the BMC firmware version (X11 and X12 both write "01.xx.yy").
 */
import type { GenerationFacts, GenerationReading } from '../types.ts';

const BOARD = /^([XHB]\d{2})[A-Z]/i;

/** The board generation, from ComputerSystem.Model or Manager.Model when either is a board. */
export function boardGeneration({ manager, systemModel }: GenerationFacts): GenerationReading | undefined {
  const candidates: Array<[string | null | undefined, string]> = [
    [systemModel, 'ComputerSystem Model'],
    [manager?.Model, 'Manager Model'],
  ];
  for (const [model, where] of candidates) {
    const board = model ? BOARD.exec(model.trim())?.[1] : undefined;
    if (board) return { name: board.toUpperCase(), from: `${where} "${model}"` };
  }
  return undefined;
}
