import { deleteCommand } from './delete.command.js';
import type { DeviceCommand } from './device-command.js';
import { registerCommand } from './register.command.js';
import { rotateCommand } from './rotate.command.js';
import { showCommand } from './show.command.js';

/** Every `npm run device -- <name>` subcommand, in the order help lists them. */
export const DEVICE_COMMANDS: DeviceCommand[] = [registerCommand, showCommand, rotateCommand, deleteCommand];
