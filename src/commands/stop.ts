import { controlCommand } from '../deploy/control-render.js';

export const { run, render } = controlCommand('stop');
