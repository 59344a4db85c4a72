//! Prints the account, like Mimecast's Get Account sample code, from the
//! MIMECAST_* environment variables (API 1.0 keys, or MIMECAST_CLIENT_ID and
//! MIMECAST_CLIENT_SECRET for API 2.0).
//!
//!     cargo run --example get_account

use std::process::ExitCode;

use mimecast::{Client, Options};

fn main() -> ExitCode {
    let result = Client::from_env(&Options::default()).and_then(|client| client.get_account());
    match result {
        Ok(account) => {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            println!("Account name:   {}", show(&account.account_name));
            println!("Account code:   {}", show(&account.account_code));
            println!("Mimecast ID:    {}", show(&account.mimecast_id));
            println!("Region:         {}", show(&account.region));
            println!("Admin email:    {}", show(&account.admin_email));
            println!("Type:           {}", show(&account.account_type));
            println!(
                "Users:          {}",
                account.user_count.map_or("-".into(), |n| n.to_string())
            );
            println!(
                "Max retention:  {} days",
                account.max_retention.map_or("-".into(), |n| n.to_string())
            );
            println!("Packages:       {}", account.packages.join(", "));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error ({}): {}", e.status().name(), e.message());
            ExitCode::FAILURE
        }
    }
}
