import { Module } from '@nestjs/common';

/** The demo MCP server role, protected by the authorization server. */
@Module({})
export class McpResourceModule {}
