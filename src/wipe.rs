//! Every heap block the library frees is zeroed first.
//!
//! Keys, secrets, bearer tokens and signed headers pass through buffers the
//! library does not own line by line (ureq's request headers and its read
//! buffer, rustls's records, serde's scratch space). Wiping at the allocator
//! covers all of them: once a client is freed, none of its credentials is
//! left in memory the library allocated. Only the library's own allocations
//! are affected (a C host's malloc is not), and the cost is one memset per
//! free, small beside a network round trip (see `make bench`).
//!
//! On by default (feature `wipe-heap`). A Rust program that sets its own
//! `#[global_allocator]` turns the feature off.

use std::alloc::{GlobalAlloc, Layout, System};

pub struct WipingAllocator;

#[global_allocator]
static ALLOCATOR: WipingAllocator = WipingAllocator;

/// Zeroes `len` bytes at `ptr` in a way the compiler cannot drop as a dead
/// store before `free`.
unsafe fn wipe(ptr: *mut u8, len: usize) {
    std::ptr::write_bytes(ptr, 0, len);
    // An empty asm statement that may read the memory behind `ptr` keeps the
    // zeroing from being optimised away.
    std::arch::asm!("/* {0} */", in(reg) ptr, options(nostack, preserves_flags));
}

unsafe impl GlobalAlloc for WipingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        wipe(ptr, layout.size());
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The system's realloc may move the block and free the old one
        // unwiped: move it here instead.
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        let new = System.alloc(new_layout);
        if !new.is_null() {
            std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}
