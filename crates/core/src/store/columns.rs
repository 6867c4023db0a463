//! How the vocabulary's newtypes ([`Millis`], [`QuizId`], [`DebateId`], [`AssignmentId`]) are
//! stored: as the SQLite integers they wrap, so that they bind and read back like the `i64`s they were.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{Sqlite, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Database, Decode, Encode, Type};

use crate::vocab::{AssignmentId, DebateId, Millis, QuizId};

macro_rules! integer_column {
    ($($newtype:ident),*) => {$(
        impl Type<Sqlite> for $newtype {
            fn type_info() -> SqliteTypeInfo {
                <i64 as Type<Sqlite>>::type_info()
            }

            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <i64 as Type<Sqlite>>::compatible(ty)
            }
        }

        impl<'q> Encode<'q, Sqlite> for $newtype {
            fn encode_by_ref(
                &self,
                buf: &mut <Sqlite as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                <i64 as Encode<'q, Sqlite>>::encode_by_ref(&self.0, buf)
            }
        }

        impl<'r> Decode<'r, Sqlite> for $newtype {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                <i64 as Decode<'r, Sqlite>>::decode(value).map($newtype)
            }
        }
    )*};
}

integer_column!(Millis, QuizId, DebateId, AssignmentId);
