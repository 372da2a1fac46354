import { Module } from '@nestjs/common';
import { EmbeddedEngineService } from './embedded-engine.service';

/** The `engine` component: the embedded engine and its gateway (idle when ZEEBE_GRPC_ADDRESS is set). */
@Module({ providers: [EmbeddedEngineService], exports: [EmbeddedEngineService] })
export class EngineHostModule {}
