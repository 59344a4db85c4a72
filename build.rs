//! Generates include/mimecast.h with cbindgen.
//!
//! The header is committed so that C users need no Rust tooling to read it.
//! The build rewrites it only when its contents change, and CI fails when the
//! committed copy is stale (`git diff --exit-code include/mimecast.h`).

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let version = env::var("CARGO_PKG_VERSION").unwrap();
    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let patch = env::var("CARGO_PKG_VERSION_PATCH").unwrap();

    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    config.after_includes = Some(format!(
        "\n/* Version of this header; mc_version() returns the library's. */\n\
         #define MIMECAST_VERSION \"{version}\"\n\
         #define MIMECAST_VERSION_MAJOR {major}\n\
         #define MIMECAST_VERSION_MINOR {minor}\n\
         #define MIMECAST_VERSION_PATCH {patch}\n\n\
         /* Marks functions whose result must be checked. */\n\
         #if defined(__GNUC__) || defined(__clang__)\n\
         #define MC_MUST_USE __attribute__((warn_unused_result))\n\
         #else\n\
         #define MC_MUST_USE\n\
         #endif\n"
    ));

    let header = match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            let mut out = Vec::new();
            bindings.write(&mut out);
            out
        }
        Err(err) => panic!("cbindgen could not generate the header: {err}"),
    };

    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::write(out_dir.join("mimecast.h"), &header).expect("write OUT_DIR/mimecast.h");

    // Keep the committed copy in step, but only touch it when it changed, so
    // that builds from a read-only or packaged source tree still work.
    let committed = crate_dir.join("include").join("mimecast.h");
    if committed.parent().map(|p| p.is_dir()).unwrap_or(false)
        && fs::read(&committed).ok().as_deref() != Some(&header[..])
    {
        if let Err(err) = fs::write(&committed, &header) {
            println!(
                "cargo:warning=could not update {}: {err}",
                committed.display()
            );
        }
    }
}
