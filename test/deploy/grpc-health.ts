/** A grpc.health.v1 client, as a Kubernetes gRPC probe or grpc-health-probe would call it. */
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js'
import { loadServices } from '../../src/extproc/proto.js'

interface HealthClient {
  Check(req: { service: string }, cb: (err: Error | null, res?: { status: number }) => void): void
  close(): void
}

/** The serving status (1 = SERVING) of `service` at host:port. */
export async function grpcHealthCheck(address: string, service: string): Promise<number> {
  const Health = makeGenericClientConstructor(loadServices().health, 'Health')
  const client = new Health(address, credentials.createInsecure()) as unknown as HealthClient
  try {
    return await new Promise<number>((resolve, reject) =>
      client.Check({ service }, (err, res) => (err ? reject(err) : resolve(res!.status))),
    )
  } finally {
    client.close()
  }
}
