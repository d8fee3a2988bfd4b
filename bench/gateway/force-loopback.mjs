// Preload for the Portkey peer: its server binds every interface and has no host option. This makes
// net.Server#listen default to 127.0.0.1 so the benchmark never opens a port to the network.
import net from 'node:net'

const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const first = args[0]
  if (typeof first === 'number' && (args.length === 1 || typeof args[1] === 'function'))
    return listen.call(this, first, '127.0.0.1', ...args.slice(1))
  if (first && typeof first === 'object' && first.host === undefined && first.path === undefined)
    return listen.call(this, { ...first, host: '127.0.0.1' }, ...args.slice(1))
  return listen.apply(this, args)
}
