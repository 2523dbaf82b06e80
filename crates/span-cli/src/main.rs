//! `span-cli`: the app's formats for people who run pipelines. It reads a
//! file exactly as the app's import does and writes exactly what the app's
//! export downloads, through the same registry of formats in `span_core`.
//!
//! - `validate FILE…` prints the messages the app's import would show;
//! - `convert FILE --to FORMAT` writes the app's download of that format;
//! - `stats FILE` counts spans per label and per document.

mod load;
mod stats;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use span_core::format::{registry, ExportFile};
use span_core::model::offset_unit::OffsetUnit;

use load::{Loaded, Refused};

#[derive(Parser)]
#[command(
    name = "span-cli",
    version,
    about = "Validate, convert and count annotation files as the span annotator reads and writes them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Reads each file as the app's import does and prints what its preview
    /// would say; exits with 1 if any file cannot be imported.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Converts a file the app imports into one it exports: the same bytes
    /// that the app downloads after importing the file in replace mode.
    Convert {
        file: PathBuf,
        /// The format to write.
        #[arg(long, value_parser = format_ids())]
        to: String,
        /// Where to write it; standard output if not given.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Only this document (its id or file name), as the app's "the open
        /// document" export scope.
        #[arg(long)]
        document: Option<String>,
    },
    /// Counts the file's spans per label and per document.
    Stats {
        file: PathBuf,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn format_ids() -> clap::builder::PossibleValuesParser {
    registry::FORMATS.map(|format| format.id).into()
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Validate { files } => validate(&files),
        Command::Convert {
            file,
            to,
            output,
            document,
        } => finish(convert(&file, &to, output.as_deref(), document.as_deref())),
        Command::Stats { file, json } => finish(stats(&file, json)),
    }
}

/// Prints one line for each file: where it is, then what the app says.
fn validate(files: &[PathBuf]) -> ExitCode {
    let mut valid = true;
    for file in files {
        let said = match load::check(file) {
            Ok(said) => said,
            Err(refused) => {
                valid = false;
                refused.to_string()
            }
        };
        println!("{}: {said}", file.display());
    }
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn convert(
    file: &Path,
    to: &str,
    output: Option<&Path>,
    document: Option<&str>,
) -> Result<(), Refused> {
    let format = registry::by_id(to).expect("clap accepts only the registry's ids");
    let Loaded { workspace, .. } = load::replacing(file)?;
    let documents: Vec<usize> = match document {
        None => (0..workspace.document_count()).collect(),
        Some(wanted) => vec![workspace
            .documents()
            .position(|d| d.id == wanted || d.file_name == wanted)
            .ok_or_else(|| {
                Refused::Other(format!("no document has the id or file name “{wanted}”"))
            })?],
    };
    let exported: ExportFile = (format.export)(&workspace, &documents, OffsetUnit::CodePoint)
        .map_err(|e| Refused::Other(format!("Nothing was exported: {e}.")))?;
    let written = match output {
        Some(path) => std::fs::write(path, &exported.bytes),
        None => std::io::stdout().lock().write_all(&exported.bytes),
    };
    written.map_err(|e| Refused::Other(format!("{} could not be written: {e}", exported.name)))?;
    eprintln!("{}", exported.summary());
    Ok(())
}

fn stats(file: &Path, json: bool) -> Result<(), Refused> {
    let Loaded { workspace, format } = load::replacing(file)?;
    let counts = stats::Counts::of(&workspace, format);
    if json {
        println!("{}", counts.to_json());
    } else {
        print!("{}", counts.table());
    }
    Ok(())
}

fn finish(done: Result<(), Refused>) -> ExitCode {
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(refused) => {
            eprintln!("{refused}");
            ExitCode::FAILURE
        }
    }
}
