//! Distributed Map: the data its children read and write (`items`: ItemReader, ItemBatcher,
//! ResultWriter).

pub mod items;
