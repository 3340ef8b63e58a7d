/**
 * XClarity Controller generation from Manager.Model, which names the controller ("Lenovo XClarity
 * Controller", "... 2", "... 3"). Lenovo documents each generation as its own REST API
 * (pubs.lenovo.com xcc-restapi, xcc2-restapi, xcc3-restapi) and LXCA names them XCC, XCC2 and XCC3.
 */
import type { GenerationFacts, GenerationReading } from '../types.ts';

/** The XCC generation, from Manager.Model. */
export function xccGeneration({ manager }: GenerationFacts): GenerationReading | undefined {
  const model = manager?.Model ?? '';
  const m = /XClarity Controller(?:\s+(\d+))?\s*$/i.exec(model);
  if (!m) return undefined;
  return { name: `XCC${m[1] ?? ''}`, from: `Manager Model "${model}"` };
}
