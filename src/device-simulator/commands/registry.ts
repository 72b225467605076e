import { callCommand } from './call.command.js';
import { deleteCommand } from './delete.command.js';
import type { DeviceCommand } from './device-command.js';
import { refreshCommand } from './refresh.command.js';
import { registerCommand } from './register.command.js';
import { rotateCommand } from './rotate.command.js';
import { showCommand } from './show.command.js';
import { tokenCommand } from './token.command.js';

/** Every `npm run device -- <name>` subcommand, in the order help lists them. */
export const DEVICE_COMMANDS: DeviceCommand[] = [registerCommand, showCommand, tokenCommand, refreshCommand, callCommand, rotateCommand, deleteCommand];
