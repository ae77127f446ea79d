import type { Runner } from '../process/runner.js';
import type { SchedulerBackend } from './types.js';
import { createTaskCommand, deleteTaskCommand, parseTaskList, queryTasksCommand, windowsCommandLine } from './schtasks.js';

/** Task Scheduler through schtasks, in its own opsctl\ folder; /F replaces a task of the same name. */
export function windowsScheduler(runner: Runner): SchedulerBackend {
  const list = async () => parseTaskList((await runner.run(queryTasksCommand())).stdout);
  return {
    platform: 'windows',
    describe: (trigger, job) => {
      const cmd = createTaskCommand(trigger, job);
      return windowsCommandLine([cmd.file, ...cmd.args]);
    },
    async install(trigger, job) {
      const cmd = createTaskCommand(trigger, job);
      const replaced = (await list()).some((task) => task.name.toLowerCase() === job.name.toLowerCase());
      await runner.run(cmd);
      return { entry: windowsCommandLine([cmd.file, ...cmd.args]), replaced };
    },
    list,
    async remove(key) {
      const found = (await list()).find((task) => task.name.toLowerCase() === key.toLowerCase() || task.id === key);
      if (found) await runner.run(deleteTaskCommand(found.name));
      return found;
    },
  };
}
