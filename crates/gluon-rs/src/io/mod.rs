//! MXNet parameter files (`.params`): reading and writing every dtype, as `nd.save` and `nd.load`.
