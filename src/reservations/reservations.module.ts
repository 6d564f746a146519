import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module';
import { StoresModule } from '../stores/stores.module';
import { ReservationRepository } from './reservation.repository';
import { ReservationSweeper } from './reservation-sweeper.job';
import { ReservationsController } from './reservations.controller';
import { reservationMetricProviders } from './reservations.metrics';
import { ReservationsService } from './reservations.service';

/** Holds of stock with a time limit: created, committed, released, and expired by the sweeper. */
@Module({
  imports: [InventoryModule, StoresModule],
  controllers: [ReservationsController],
  providers: [
    ReservationsService,
    ReservationRepository,
    ReservationSweeper,
    ...reservationMetricProviders,
  ],
})
export class ReservationsModule {}
