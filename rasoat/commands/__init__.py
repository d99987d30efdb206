"""One module per `rasoat` subcommand group; each defines ``register(subparsers)``."""
