//! `mullama._native`: the pyo3 extension module of the pip package `mullama`. Everything in it
//! is generated from the IDL (src/generated/glue.rs); this file only names the module.

mod generated;

use pyo3::prelude::*;

#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    generated::glue::register(m)
}
