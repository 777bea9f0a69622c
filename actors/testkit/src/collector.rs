//! An actor that forwards every message of one type to the test through a
//! channel: how tests observe what an actor publishes (events, config
//! revisions) without a mock.

use actix::{Actor, Addr, Context, Handler, Message};
use std::marker::PhantomData;
use tokio::sync::mpsc;

/// Forwards each `M` it receives into a channel.
pub struct Collector<M> {
    sink: mpsc::UnboundedSender<M>,
    _message: PhantomData<fn(M)>,
}

impl<M: Message<Result = ()> + Send + Unpin + 'static> Actor for Collector<M> {
    type Context = Context<Self>;
}

impl<M: Message<Result = ()> + Send + Unpin + 'static> Handler<M> for Collector<M> {
    type Result = ();

    fn handle(&mut self, msg: M, _: &mut Context<Self>) {
        // A test that stopped listening has its answer already.
        let _ = self.sink.send(msg);
    }
}

/// Starts a collector for `M`; returns its address and the receiving end.
pub fn collect<M>() -> (Addr<Collector<M>>, mpsc::UnboundedReceiver<M>)
where
    M: Message<Result = ()> + Send + Unpin + 'static,
{
    let (sink, rx) = mpsc::unbounded_channel();
    let addr = Collector {
        sink,
        _message: PhantomData,
    }
    .start();
    (addr, rx)
}
