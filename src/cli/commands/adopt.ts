// sagezero apply --adopt NAME: makes an endpoint created outside sagezero this project's, by adding
// sagezero's ownership tags to exactly the resources it lists first. Nothing else changes; the next
// plan compares it with the config as for any endpoint sagezero made.
import type { ApiCallObserver } from '../../cloud/types.js';
import {
  AdoptError,
  adoptionIsDone,
  executeAdoption,
  planAdoption,
  renderAdoption,
  type AdoptPlan,
} from '../../provision/adopt.js';
import { withCloud } from '../context.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';
import { confirm } from '../prompt.js';
import { refuseWhileSimDaemonRuns } from '../sim-daemon.js';

export interface AdoptOptions {
  config: string;
  adopt: string;
  endpoint?: string;
  json?: boolean;
  yes?: boolean;
}

export async function runAdopt(opts: AdoptOptions, out: Output, observer?: ApiCallObserver): Promise<number> {
  await refuseWhileSimDaemonRuns(opts.config);
  if (opts.endpoint !== undefined && opts.endpoint !== opts.adopt)
    throw new UserError(
      `--adopt ${opts.adopt} and --endpoint ${opts.endpoint} name different endpoints; give one`,
    );
  return withCloud(opts.config, out, observer, async ({ config, opened }) => {
    const endpoint = config.endpoints.find((e) => e.name === opts.adopt);
    if (!endpoint) {
      const known = config.endpoints.map((e) => e.name).join(', ');
      throw new UserError(
        `--adopt ${opts.adopt}: no such endpoint in ${config.file} (it has: ${known}); add it first, e.g. with \`sagezero import --endpoint ${opts.adopt} -c ${config.file}\``,
      );
    }
    let plan: AdoptPlan;
    try {
      plan = await planAdoption(opened.cloud, config.project, endpoint);
    } catch (e) {
      throw e instanceof AdoptError ? new UserError(e.message) : e;
    }
    out.out(opts.json ? JSON.stringify(plan, null, 2) : renderAdoption(plan));
    if (adoptionIsDone(plan)) {
      out.err(`endpoint ${plan.endpoint} is already sagezero's (project "${plan.project}"); nothing to tag`);
      return EXIT.ok;
    }
    if (!(await confirm(out, "Tag these resources as sagezero's?", !!opts.yes, 'apply --adopt'))) {
      out.err('adopt cancelled; nothing was tagged');
      return EXIT.error;
    }
    const done = await executeAdoption(opened.cloud, plan, (line) => out.err(line));
    out.err(
      `adopted ${plan.endpoint}: tagged ${done.length} resource(s). \`sagezero plan -c ${opts.config}\` now compares it with the config.`,
    );
    return EXIT.ok;
  });
}
